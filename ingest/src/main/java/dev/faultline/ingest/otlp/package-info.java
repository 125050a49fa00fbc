/**
 * OTLP trace decoding: the two encodings the collector's kafkaexporter writes ({@code otlp_proto},
 * {@code otlp_json}), detected per record, into {@code ExportTraceServiceRequest}.
 */
package dev.faultline.ingest.otlp;
