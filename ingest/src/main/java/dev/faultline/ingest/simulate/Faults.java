package dev.faultline.ingest.simulate;

import java.util.List;

/** The faults of a scenario, asked what is in force for a given part of the system at a time. */
final class Faults {
  private final List<FaultSpec> faults;

  Faults(List<FaultSpec> faults) {
    this.faults = List.copyOf(faults);
  }

  double errorRate(String service, int instance, String operation, double seconds) {
    double rate = 0;
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.ERRORS && on(f, service, instance, operation, seconds)) {
        rate += f.errorRate();
      }
    }
    return rate;
  }

  /** Multiplier of a service's own work: CPU saturation, a slowed consumer. */
  double workFactor(String service, int instance, String operation, double seconds) {
    double factor = 1;
    for (FaultSpec f : faults) {
      if ((f.kind() == FaultSpec.Kind.CAPACITY || f.kind() == FaultSpec.Kind.CONSUMER_SLOWDOWN)
          && on(f, service, instance, operation, seconds)) {
        factor *= f.factor();
      }
    }
    return factor;
  }

  /** Multiplier of the work of every service on {@code host}. */
  double hostFactor(String host, double seconds) {
    double factor = 1;
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.CAPACITY
          && f.service() == null
          && host.equals(f.target())
          && f.activeAt(seconds)) {
        factor *= f.factor();
      }
    }
    return factor;
  }

  double addedMs(String service, int instance, String operation, double seconds) {
    double added = 0;
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.LATENCY && on(f, service, instance, operation, seconds)) {
        added += f.addMs();
      }
    }
    return added;
  }

  /**
   * Delay added to a message between {@code from} and {@code to}: a network fault delays the
   * traffic of its service (its pod's network), or only that between it and {@code target}.
   */
  double networkMs(String from, String to, double seconds) {
    double added = 0;
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.NETWORK && f.activeAt(seconds)) {
        boolean endpoint = f.service().equals(from) || f.service().equals(to);
        boolean peer = f.target() == null || f.target().equals(from) || f.target().equals(to);
        if (endpoint && peer) {
          added += f.addMs();
        }
      }
    }
    return added;
  }

  double dependencyFactor(String dependency, double seconds) {
    double factor = 1;
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.DEPENDENCY
          && dependency.equals(f.target())
          && f.activeAt(seconds)) {
        factor *= f.factor();
      }
    }
    return factor;
  }

  double dependencyAddedMs(String dependency, double seconds) {
    double added = 0;
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.DEPENDENCY
          && dependency.equals(f.target())
          && f.activeAt(seconds)) {
        added += f.addMs();
      }
    }
    return added;
  }

  boolean consumerStopped(String service, String queue, double seconds) {
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.CONSUMER_STOP
          && service.equals(f.service())
          && (f.target() == null || queue.equals(f.target()))
          && f.activeAt(seconds)) {
        return true;
      }
    }
    return false;
  }

  /** The retry count an instance was redeployed with, if one is in force. */
  Integer retryMax(String service, int instance, double seconds) {
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.INSTANCE_CONFIG
          && f.retryMax() != null
          && f.hits(service, instance)
          && f.activeAt(seconds)) {
        return f.retryMax();
      }
    }
    return null;
  }

  /** The client timeout an instance was redeployed with, if one is in force. */
  Double timeoutMs(String service, int instance, double seconds) {
    for (FaultSpec f : faults) {
      if (f.kind() == FaultSpec.Kind.INSTANCE_CONFIG
          && f.timeoutMs() != null
          && f.hits(service, instance)
          && f.activeAt(seconds)) {
        return f.timeoutMs();
      }
    }
    return null;
  }

  private static boolean on(
      FaultSpec f, String service, int instance, String operation, double seconds) {
    return f.hits(service, instance) && f.hitsOperation(operation) && f.activeAt(seconds);
  }
}
