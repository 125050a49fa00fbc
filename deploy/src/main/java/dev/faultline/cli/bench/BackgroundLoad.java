package dev.faultline.cli.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Synthetic traffic of services other than the scenario's, sent at a steady rate in wall-clock time
 * with event times that advance with it from a given instant: the rest of a busy system's load
 * while a fault is watched. Runs on its own thread until {@link #close()}.
 */
final class BackgroundLoad implements AutoCloseable {
  private final Thread thread;
  private final AtomicLong spans = new AtomicLong();
  private volatile boolean stopped;

  /**
   * @param producer where to send
   * @param topic the input topic
   * @param spansPerSecond the rate
   * @param eventStartNanos event time of the first trace, matching the scenario's now
   * @param seed a different seed each time, so trace ids never repeat
   */
  BackgroundLoad(
      Producer<byte[], byte[]> producer,
      String topic,
      double spansPerSecond,
      long eventStartNanos,
      long seed) {
    SyntheticTraffic traffic = new SyntheticTraffic(seed, 40, 100, spansPerSecond, eventStartNanos);
    long started = System.nanoTime();
    thread =
        new Thread(
            () -> {
              while (!stopped) {
                long due = started + (long) (spans.get() / spansPerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000L) {
                  try {
                    Thread.sleep(wait / 1_000_000L);
                  } catch (InterruptedException e) {
                    return;
                  }
                  continue;
                }
                ExportTraceServiceRequest request = traffic.next();
                producer.send(new ProducerRecord<>(topic, null, request.toByteArray()));
                spans.addAndGet(IngestBenchmark.spanCount(request));
              }
            },
            "bench-background-load");
    thread.setDaemon(true);
    if (spansPerSecond > 0) {
      thread.start();
    }
  }

  /** Spans sent so far. */
  long spans() {
    return spans.get();
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    if (thread.isAlive()) {
      thread.join(5_000);
    }
  }
}
