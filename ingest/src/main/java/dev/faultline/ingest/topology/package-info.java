/**
 * The ingest stage of the Kafka Streams topology: {@code otlp_spans} is decoded and normalised,
 * valid spans go on keyed by trace id, bad records and spans go to the dead-letter topic.
 */
package dev.faultline.ingest.topology;
