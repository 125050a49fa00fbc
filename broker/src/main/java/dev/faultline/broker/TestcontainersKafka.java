package dev.faultline.broker;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Testcontainers' Kafka ({@code apache/kafka} image), for running the integration tests against a
 * broker in Docker. Loaded only in that mode: Testcontainers is an optional dependency.
 */
final class TestcontainersKafka implements KafkaCluster {
  /** The image, overridable with {@code -Dfaultline.kafka.image}. */
  static final String IMAGE = System.getProperty("faultline.kafka.image", "apache/kafka:4.4.0");

  private final KafkaContainer container;

  private TestcontainersKafka(KafkaContainer container) {
    this.container = container;
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @SuppressWarnings("resource") // closed by close()
  static TestcontainersKafka start() {
    KafkaContainer container = new KafkaContainer(IMAGE);
    container.start();
    return new TestcontainersKafka(container);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    container.close();
  }
}
