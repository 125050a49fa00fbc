/**
 * Normalisation of OTLP spans into Faultline's span record: service identity from the resource, the
 * attributes the analyzer needs, validation of ids, timestamps and sizes, and grouping of one
 * request's spans by trace. Rejected spans are kept, grouped by reason, for the dead-letter topic.
 * Two paths give the same result: {@code SpanNormalizer} over decoded OTLP objects (JSON), and
 * {@code ProtobufSpanReader} straight from protobuf bytes ({@code Wire*} classes); both apply the
 * rules of {@code SpanRules} and {@code SpanRecordBuilder}.
 */
package dev.faultline.ingest.normalize;
