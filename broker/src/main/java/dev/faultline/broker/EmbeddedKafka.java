package dev.faultline.broker;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft combined mode, started inside this JVM on loopback.
 *
 * <p>Kafka's own test kit does not resolve from Maven Central at 4.4.0, so this formats a log
 * directory with {@link Formatter} and starts {@link KafkaRaftServer} directly. The broker can be
 * stopped and started again on the same log directory and ports, which the reliability tests use to
 * take Kafka away from a running analyzer.
 */
public final class EmbeddedKafka implements KafkaCluster {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private final Path logDir;
  private final boolean ownsLogDir;
  private final int brokerPort;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;

  private EmbeddedKafka(Builder builder) throws IOException {
    this.ownsLogDir = builder.logDir == null;
    this.logDir =
        ownsLogDir
            ? Files.createTempDirectory("faultline-kafka-")
            : builder.logDir.toAbsolutePath();
    this.brokerPort = builder.port > 0 ? builder.port : freePort();
    this.controllerPort = freePort();
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Starts a broker on a free loopback port with a temporary log directory. */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The directory holding the broker's logs and metadata. */
  public Path logDir() {
    return logDir;
  }

  /** Whether the broker is running (started and not stopped). */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Starts the broker; formats the log directory the first time. Blocks until the broker answers
   * metadata requests.
   */
  public synchronized EmbeddedKafka startup() {
    if (server != null) {
      return this;
    }
    long began = System.nanoTime();
    Map<String, String> props = serverProperties();
    try {
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(props);
      }
      Properties properties = new Properties();
      properties.putAll(props);
      KafkaRaftServer raft = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
      raft.startup();
      server = raft;
      awaitReady(Duration.ofSeconds(30));
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("embedded Kafka broker failed to start in " + logDir, e);
    }
    LOG.info(
        "embedded Kafka broker ready at {} in {} ms (log dir {})",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
        logDir);
    return this;
  }

  /** Stops the broker and keeps its log directory, so that {@link #startup()} resumes it. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer raft = server;
    server = null;
    try {
      raft.shutdown();
      raft.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("embedded Kafka broker did not shut down cleanly", e);
    }
  }

  /** Stops the broker and deletes its log directory if this instance created it. */
  @Override
  public synchronized void close() {
    stop();
    if (ownsLogDir) {
      deleteRecursively(logDir);
    }
  }

  private Map<String, String> serverProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // One node: every internal topic has one replica, and few partitions keep start-up fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    // The log cleaner's dedupe buffer is on the heap of the JVM the broker runs in, here the
    // analyzer's: Kafka's 128 MiB took a quarter of a 512 MiB heap. 16 MiB indexes some 600,000
    // keys per cleaning pass, plenty for the changelogs of a demo or a benchmark.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    // Without a bound, a broker that cannot start (a port taken meanwhile) hangs silently.
    p.put("server.max.startup.time.ms", "60000");
    p.putAll(overrides);
    return p;
  }

  private void format(Map<String, String> props) throws Exception {
    Files.createDirectories(logDir);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(NODE_ID)
        .addDirectory(logDir.toString())
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(props.get("controller.listener.names"))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("broker not ready after " + timeout, e);
          }
        }
        Thread.sleep(20);
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path path : all) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("could not delete {}", root, e);
    }
  }

  /** Options for an embedded broker. */
  public static final class Builder {
    private Path logDir;
    private int port;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** Uses (and keeps) this log directory instead of a temporary one. */
    public Builder logDir(Path logDir) {
      this.logDir = requireNonNull(logDir, "logDir");
      return this;
    }

    /** Listens on this port instead of a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Sets a broker configuration property, overriding the defaults. */
    public Builder brokerProperty(String key, String value) {
      overrides.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /** Creates the broker without starting it. */
    public EmbeddedKafka build() {
      try {
        return new EmbeddedKafka(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a log directory for the embedded broker", e);
      }
    }

    /** Creates and starts the broker. */
    public EmbeddedKafka start() {
      return build().startup();
    }
  }
}
