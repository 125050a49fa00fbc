package dev.faultline.ingest.simulate;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** The faults of a scenario, asked what is in force for a given part of the system at a time. */
final class Faults {
  private final List<FaultSpec> faults;

  Faults(List<FaultSpec> faults) {
    this.faults = List.copyOf(faults);
  }

  /** The sum of {@code value} over the faults in force at {@code seconds} that {@code hit}. */
  private double sum(double seconds, Predicate<FaultSpec> hit, ToDoubleFunction<FaultSpec> value) {
    double total = 0;
    for (FaultSpec f : faults) {
      if (f.activeAt(seconds) && hit.test(f)) {
        total += value.applyAsDouble(f);
      }
    }
    return total;
  }

  /** The product of the factors of the faults in force at {@code seconds} that {@code hit}. */
  private double product(double seconds, Predicate<FaultSpec> hit) {
    double total = 1;
    for (FaultSpec f : faults) {
      if (f.activeAt(seconds) && hit.test(f)) {
        total *= f.factor();
      }
    }
    return total;
  }

  /** The first fault in force at {@code seconds} that {@code hit}, or null. */
  private FaultSpec first(double seconds, Predicate<FaultSpec> hit) {
    for (FaultSpec f : faults) {
      if (f.activeAt(seconds) && hit.test(f)) {
        return f;
      }
    }
    return null;
  }

  private static Predicate<FaultSpec> on(
      FaultSpec.Kind kind, String service, int instance, String operation) {
    return f -> f.kind() == kind && f.hits(service, instance) && f.hitsOperation(operation);
  }

  double errorRate(String service, int instance, String operation, double seconds) {
    return sum(
        seconds, on(FaultSpec.Kind.ERRORS, service, instance, operation), FaultSpec::errorRate);
  }

  /** Multiplier of a service's own work: CPU saturation, a slowed consumer. */
  double workFactor(String service, int instance, String operation, double seconds) {
    return product(seconds, on(FaultSpec.Kind.CAPACITY, service, instance, operation))
        * product(seconds, on(FaultSpec.Kind.CONSUMER_SLOWDOWN, service, instance, operation));
  }

  /** Multiplier of the work of every service on {@code host}. */
  double hostFactor(String host, double seconds) {
    return product(
        seconds,
        f -> f.kind() == FaultSpec.Kind.CAPACITY && f.service() == null && host.equals(f.target()));
  }

  double addedMs(String service, int instance, String operation, double seconds) {
    return sum(seconds, on(FaultSpec.Kind.LATENCY, service, instance, operation), FaultSpec::addMs);
  }

  /**
   * Delay added to a message between {@code from} and {@code to}: a network fault delays the
   * traffic of its service (its pod's network), or only that between it and {@code target}.
   */
  double networkMs(String from, String to, double seconds) {
    return sum(
        seconds,
        f ->
            f.kind() == FaultSpec.Kind.NETWORK
                && (f.service().equals(from) || f.service().equals(to))
                && (f.target() == null || f.target().equals(from) || f.target().equals(to)),
        FaultSpec::addMs);
  }

  private static Predicate<FaultSpec> dependency(String name) {
    return f -> f.kind() == FaultSpec.Kind.DEPENDENCY && name.equals(f.target());
  }

  double dependencyFactor(String dependency, double seconds) {
    return product(seconds, dependency(dependency));
  }

  double dependencyAddedMs(String dependency, double seconds) {
    return sum(seconds, dependency(dependency), FaultSpec::addMs);
  }

  boolean consumerStopped(String service, String queue, double seconds) {
    return first(
            seconds,
            f ->
                f.kind() == FaultSpec.Kind.CONSUMER_STOP
                    && service.equals(f.service())
                    && (f.target() == null || queue.equals(f.target())))
        != null;
  }

  /** The retry count an instance was redeployed with, if one is in force. */
  Integer retryMax(String service, int instance, double seconds) {
    FaultSpec f =
        first(
            seconds,
            c ->
                c.kind() == FaultSpec.Kind.INSTANCE_CONFIG
                    && c.retryMax() != null
                    && c.hits(service, instance));
    return f == null ? null : f.retryMax();
  }

  /** The client timeout an instance was redeployed with, if one is in force. */
  Double timeoutMs(String service, int instance, double seconds) {
    FaultSpec f =
        first(
            seconds,
            c ->
                c.kind() == FaultSpec.Kind.INSTANCE_CONFIG
                    && c.timeoutMs() != null
                    && c.hits(service, instance));
    return f == null ? null : f.timeoutMs();
  }
}
