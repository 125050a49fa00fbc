/**
 * The span record in memory: {@link dev.faultline.schemas.span.SpanRecord} holds what the {@code
 * Span} message of {@code faultline_span.proto} holds, without protobuf's builder and map per span,
 * and {@link dev.faultline.schemas.span.TraceSpans} what a {@code SpanBatch} holds. The messages
 * stay the form on the wire; these are what decoding gives and trace assembly keeps.
 */
package dev.faultline.schemas.span;
