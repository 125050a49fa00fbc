package dev.faultline.analyzer.reliability;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An analyzer instance (with its detectors) in a JVM of its own, started from the test's class
 * path, so that a test can kill it as the kernel would: SIGKILL, no shutdown hook, no commit, no
 * leaving the group.
 */
final class AnalyzerChild implements AutoCloseable {
  private static final Pattern PORT_LINE = Pattern.compile("^API_PORT=(\\d+)$", Pattern.MULTILINE);

  final String name;
  private final Process process;
  private final Path output;
  private final int apiPort;

  private AnalyzerChild(String name, Process process, Path output, int apiPort) {
    this.name = name;
    this.process = process;
    this.output = output;
    this.apiPort = apiPort;
  }

  /**
   * Starts an instance and waits until its API answers (its port printed on stdout).
   *
   * @param settings Faultline's keys (values as strings or numbers)
   * @param client Kafka client settings (bootstrap servers, client.id)
   * @param dir where the settings, and the child's output, are written
   */
  static AnalyzerChild start(
      String name, Map<String, Object> settings, Map<String, Object> client, Path dir)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path settingsFile = dir.resolve(name + ".properties");
    Path clientFile = dir.resolve(name + "-client.properties");
    write(settingsFile, settings);
    write(clientFile, client);
    Path output = dir.resolve(name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile", ""),
            AnalyzerChild.class.getName(),
            settingsFile.toString(),
            clientFile.toString());
    builder.redirectErrorStream(true).redirectOutput(output.toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher port = PORT_LINE.matcher(Files.readString(output, StandardCharsets.UTF_8));
      if (port.find()) {
        return new AnalyzerChild(name, process, output, Integer.parseInt(port.group(1)));
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "analyzer " + name + " exited with " + process.exitValue() + ":\n" + tail(output));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException("analyzer " + name + " did not start:\n" + tail(output));
  }

  int apiPort() {
    return apiPort;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("analyzer " + name + " survived SIGKILL");
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of the child's output, for failure messages. */
  String tail() {
    return tail(output);
  }

  /** SIGTERM (the runtime closes cleanly), SIGKILL after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void write(Path file, Map<String, Object> values) throws IOException {
    Properties properties = new Properties();
    values.forEach((k, v) -> properties.setProperty(k, String.valueOf(v)));
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }
  }

  private static Map<String, Object> read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, Object> out = new HashMap<>();
    properties.forEach((k, v) -> out.put((String) k, v));
    return out;
  }

  private static String tail(Path output) {
    try {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** The child: runs one analyzer until it is terminated. */
  public static void main(String[] args) throws Exception {
    AnalyzerConfig config = new AnalyzerConfig(read(Path.of(args[0])));
    Map<String, Object> client = read(Path.of(args[1]));
    AnalyzerRuntime runtime =
        AnalyzerRuntime.start(
            config,
            client,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            AnalyzerTopology.Hooks.none().withDetection(() -> Detectors.engine(config)));
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.close();
                  closed.countDown();
                }));
    System.out.println("API_PORT=" + runtime.apiPort());
    System.out.flush();
    closed.await();
  }
}
