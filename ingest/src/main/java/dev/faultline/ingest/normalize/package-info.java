/**
 * Normalisation of OTLP spans into Faultline's span record: service identity from the resource, the
 * attributes the analyzer needs, validation of ids, timestamps and sizes, and grouping of one
 * request's spans by trace. Rejected spans are kept, grouped by reason, for the dead-letter topic.
 */
package dev.faultline.ingest.normalize;
