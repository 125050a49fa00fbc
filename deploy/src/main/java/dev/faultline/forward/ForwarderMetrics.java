package dev.faultline.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * Counters of the forwarder. In Prometheus form: {@code
 * faultline_forward_records_total{target,outcome}} (outcome {@code delivered}, {@code rejected}:
 * refused for good by the target, {@code skipped}: unreadable or a tombstone), {@code
 * faultline_forward_failures_total{target}} (attempts that failed and are retried), {@code
 * faultline_forward_resends_total{target}} (open incidents sent again to Alertmanager), {@code
 * faultline_forward_open_incidents{target}}.
 */
final class ForwarderMetrics {
  private final Counter delivered;
  private final Counter rejected;
  private final Counter skipped;
  private final Counter failures;
  private final Counter resends;

  ForwarderMetrics(MeterRegistry registry, TargetKind kind, Supplier<Number> openIncidents) {
    String target = kind.label();
    delivered = records(registry, target, "delivered");
    rejected = records(registry, target, "rejected");
    skipped = records(registry, target, "skipped");
    failures =
        Counter.builder("faultline.forward.failures")
            .description("Delivery attempts that failed and will be retried")
            .tag("target", target)
            .register(registry);
    resends =
        Counter.builder("faultline.forward.resends")
            .description("Open incidents sent to Alertmanager again to keep them firing")
            .tag("target", target)
            .register(registry);
    Gauge.builder("faultline.forward.open.incidents", openIncidents)
        .description("Open incidents the forwarder keeps sending again")
        .tag("target", target)
        .register(registry);
  }

  private static Counter records(MeterRegistry registry, String target, String outcome) {
    return Counter.builder("faultline.forward.records")
        .description("Alert records handled, by outcome")
        .tag("target", target)
        .tag("outcome", outcome)
        .register(registry);
  }

  void delivered() {
    delivered.increment();
  }

  void rejected() {
    rejected.increment();
  }

  void skipped() {
    skipped.increment();
  }

  void failure() {
    failures.increment();
  }

  void resent(int count) {
    resends.increment(count);
  }

  double deliveredCount() {
    return delivered.count();
  }

  double failureCount() {
    return failures.count();
  }
}
