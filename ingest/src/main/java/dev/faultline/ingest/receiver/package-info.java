/**
 * The OTLP receiver: OTLP/HTTP ({@code POST /v1/traces}, protobuf or JSON, gzip) and OTLP/gRPC
 * ({@code TraceService/Export}). Each request is checked, written to the input topic, and answered
 * with success only after Kafka acknowledged it; when Kafka cannot take it the answer is the
 * retryable 503 / UNAVAILABLE.
 */
package dev.faultline.ingest.receiver;
