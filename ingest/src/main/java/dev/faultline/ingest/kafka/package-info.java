/**
 * Kafka plumbing: the typed table of topics, topic creation that waits until a topic can take
 * writes, client configuration pass-through (files, environment), and dead-letter headers.
 */
package dev.faultline.ingest.kafka;
