/**
 * Recorded traffic: reading and writing OTLP JSON lines files (one {@code {"resourceSpans":[...]}}
 * per line, as the collector's file exporter writes them), plain or gzip-compressed.
 */
package dev.faultline.ingest.file;
