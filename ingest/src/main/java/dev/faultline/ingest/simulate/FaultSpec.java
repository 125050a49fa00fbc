package dev.faultline.ingest.simulate;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Something that goes wrong in the simulated system for a while. A fault only changes a mechanism
 * (a service time, an error rate, a pool size, a link delay, a consumer's pace, a client setting);
 * what follows from it (queueing, timeouts, retries, backlog) is left to the simulation.
 *
 * @param type what kind of fault
 * @param service the service it hits (for {@code network}: the one whose network is delayed)
 * @param operation the operation it hits (null: all of the service's)
 * @param instance the instance it hits (null: all)
 * @param target the only peer whose traffic a {@code network} fault delays (null: all), the queue
 *     of a consumer fault, the dependency or host of a {@code dependency} or {@code capacity} fault
 *     on shared resources
 * @param startSeconds when it begins
 * @param endSeconds when it ends (null: never)
 * @param addMs latency added ({@code latency}, {@code network}, {@code dependency})
 * @param factor multiplier of work time ({@code capacity}, {@code consumer_slowdown}, {@code
 *     dependency})
 * @param errorRate share of requests failing ({@code errors})
 * @param timeoutMs new client timeout ({@code instance_config})
 * @param retryMax new retry count ({@code instance_config})
 * @param version new {@code service.version} ({@code instance_config}, {@code deploy})
 */
public record FaultSpec(
    String type,
    String service,
    String operation,
    Integer instance,
    String target,
    Double startSeconds,
    Double endSeconds,
    Double addMs,
    Double factor,
    Double errorRate,
    Double timeoutMs,
    Integer retryMax,
    String version) {
  public FaultSpec {
    requireNonNull(type, "type");
    requireNonNull(startSeconds, "startSeconds");
    kind(type);
    addMs = addMs == null ? 0.0 : addMs;
    factor = factor == null ? 1.0 : factor;
    errorRate = errorRate == null ? 0.0 : errorRate;
  }

  /** The kinds of fault. */
  public enum Kind {
    /** Added time in a service's own work. */
    LATENCY,
    /** A share of a service's requests fail at once. */
    ERRORS,
    /** A service's (or host's) work takes {@code factor} times longer: CPU saturation. */
    CAPACITY,
    /** Added delay on {@code service}'s network (each way), or on its link to {@code target}. */
    NETWORK,
    /** A consumer group processes each message {@code factor} times slower. */
    CONSUMER_SLOWDOWN,
    /** A consumer group stops polling. */
    CONSUMER_STOP,
    /** A shared dependency answers slower ({@code factor}, {@code addMs}). */
    DEPENDENCY,
    /** An instance is redeployed with other client settings (timeout, retries). */
    INSTANCE_CONFIG,
    /** A new version is deployed with no change in behaviour (not a fault: no incident due). */
    DEPLOY
  }

  /** This fault's kind. */
  public Kind kind() {
    return kind(type);
  }

  static Kind kind(String type) {
    try {
      return Kind.valueOf(type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fault type '" + type + "'", e);
    }
  }

  /** Whether it is in force at {@code seconds}. */
  public boolean activeAt(double seconds) {
    return seconds >= startSeconds && (endSeconds == null || seconds < endSeconds);
  }

  /** Whether it applies to instance {@code index} of {@code serviceName}. */
  boolean hits(String serviceName, int index) {
    return serviceName.equals(service) && (instance == null || instance == index);
  }

  /** Whether it applies to {@code operationName} (all of them when it names none). */
  boolean hitsOperation(String operationName) {
    return operation == null || operation.equals(operationName);
  }
}
