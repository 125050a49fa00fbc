package dev.faultline.cli.bench;

/**
 * What to load for a benchmark.
 *
 * @param spans spans to pre-load
 * @param spansPerMessage spans per OTLP message (whole traces)
 * @param services distinct services
 * @param partitions partitions of the input topic
 * @param compression producer compression of the pre-loaded records
 */
record BenchOptions(
    long spans, int spansPerMessage, int services, int partitions, String compression) {
  BenchOptions {
    if (spans < 1 || spansPerMessage < 1 || services < 2 || partitions < 1) {
      throw new IllegalArgumentException("benchmark options must be positive (services >= 2)");
    }
  }
}
