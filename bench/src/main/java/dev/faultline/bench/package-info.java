/**
 * JMH microbenchmarks of the hot paths, one class per stage of a span's way through Faultline:
 * decoding OTLP, normalising it into span records, pairing a trace into calls, window aggregation,
 * latency sketches, and the serdes of the internal topics. Inputs come from {@link
 * dev.faultline.bench.Traffic}: a short run of a scenario of the suite through the simulator, so
 * the spans have the shapes and attributes the OpenTelemetry SDK gives them. {@code
 * bench/run-jmh.sh} builds and runs them.
 */
package dev.faultline.bench;
