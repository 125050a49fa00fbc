package dev.faultline.cli.bench;

/**
 * One measured stage.
 *
 * @param stage what ran
 * @param spans spans processed
 * @param seconds wall-clock time
 * @param spansPerSecond throughput
 * @param ratioToPlainConsumer throughput over the plain consumer's of the same run (1 for itself)
 */
record BenchResult(
    String stage, long spans, double seconds, double spansPerSecond, double ratioToPlainConsumer) {

  static BenchResult of(String stage, long spans, long nanos, BenchResult plain) {
    double seconds = nanos / 1e9;
    double rate = spans / seconds;
    return new BenchResult(
        stage, spans, seconds, rate, plain == null ? 1.0 : rate / plain.spansPerSecond());
  }
}
