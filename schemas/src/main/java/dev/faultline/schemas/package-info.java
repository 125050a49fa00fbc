/**
 * The contracts between Faultline's parts: identifiers, the internal span record (generated from
 * {@code faultline_span.proto} into {@code dev.faultline.schemas.proto}), and the Kafka serdes of
 * every value that crosses a topic.
 */
package dev.faultline.schemas;
