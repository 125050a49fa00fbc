/**
 * Running an analyzer instance: topic creation, the Kafka Streams settings, start-up and orderly
 * shutdown.
 */
package dev.faultline.analyzer.runtime;
