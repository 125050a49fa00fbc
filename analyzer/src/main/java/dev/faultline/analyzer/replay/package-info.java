/**
 * Offline replay: recorded OTLP JSON lines run through the production topology in event-time order,
 * in Kafka Streams' {@code TopologyTestDriver} (no broker, one thread, deterministic), giving the
 * incidents that would have reached {@code faultline.alerts}.
 */
package dev.faultline.analyzer.replay;
