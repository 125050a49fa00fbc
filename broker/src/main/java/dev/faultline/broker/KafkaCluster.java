package dev.faultline.broker;

/** A Kafka cluster that tests and the embedded default talk to: where it is, and how to stop it. */
public interface KafkaCluster extends AutoCloseable {

  /** The {@code bootstrap.servers} value for clients. */
  String bootstrapServers();

  @Override
  void close();
}
