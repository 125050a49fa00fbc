/**
 * The one place that assembles the Kafka Streams topology from the stages of the pipeline, naming
 * every processor and store.
 */
package dev.faultline.analyzer.topology;
