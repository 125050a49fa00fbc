package dev.faultline.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Faultline.class.getPackage().getImplementationVersion();
    return new String[] {"faultline " + (version == null ? "development" : version)};
  }
}
