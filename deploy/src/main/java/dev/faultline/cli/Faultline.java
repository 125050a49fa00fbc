package dev.faultline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code faultline} command. */
@Command(
    name = "faultline",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Streaming analyzer of distributed traces: rebuilds the live call graph from OpenTelemetry"
          + " spans in Kafka and tells how a failure travels through it."
    },
    subcommands = {
      RunCommand.class,
      ReceiveCommand.class,
      QueryCommand.class,
      AlertsCommand.class,
      ForwardCommand.class,
      DemoCommand.class,
      SimulateCommand.class,
      ReplayCommand.class,
      EvalCommand.class,
      dev.faultline.cli.bench.BenchCommand.class,
      dev.faultline.cli.bench.SoakCommand.class,
      ConfigCommand.class
    })
public final class Faultline implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static {
    // Our WARN-level logging configuration unless the user gives one.
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "faultline-log4j2.xml");
    }
    // Our shutdown hook closes Kafka clients, which log; Log4j must outlive it.
    System.setProperty("log4j2.shutdownHookEnabled", "false");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for main and tests. */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Faultline());
    line.setExecutionExceptionHandler(
        (error, command, parsed) -> {
          command.getErr().println("faultline: " + messageOf(error));
          return 1;
        });
    return line;
  }

  private static String messageOf(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
