package dev.faultline.ingest.simulate;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A service of the simulated system: its instances, the worker pool and request queue of each, the
 * operations it serves and the client policies of its outgoing calls.
 *
 * @param name {@code service.name}
 * @param protocol {@code http} or {@code grpc}: how it is called, and the attributes its spans
 *     carry
 * @param instances how many instances; requests are spread round-robin
 * @param workers requests each instance serves at once; a worker is held for the whole request,
 *     calls to others included, so slow dependencies use up the pool
 * @param queueLimit requests an instance queues when its workers are busy; beyond that it rejects
 *     with 503
 * @param version {@code service.version}
 * @param host the host whose cores its CPU work uses (null: cores of its own)
 * @param timeoutMs default client timeout of its outgoing calls
 * @param retry default retry policy of its outgoing calls
 * @param circuitBreaker breaker on its outgoing calls, per target service (null: none)
 * @param operations what it serves
 * @param instanceOverrides instances that differ from the rest
 */
public record ServiceSpec(
    String name,
    String protocol,
    Integer instances,
    Integer workers,
    Integer queueLimit,
    String version,
    String host,
    Double timeoutMs,
    RetrySpec retry,
    BreakerSpec circuitBreaker,
    List<OperationSpec> operations,
    List<InstanceSpec> instanceOverrides) {
  public ServiceSpec {
    requireNonNull(name, "name");
    protocol = protocol == null ? "http" : protocol;
    instances = instances == null ? 1 : instances;
    workers = workers == null ? 32 : workers;
    queueLimit = queueLimit == null ? 1_000 : queueLimit;
    version = version == null ? "1.0.0" : version;
    timeoutMs = timeoutMs == null ? 1_000.0 : timeoutMs;
    retry = retry == null ? RetrySpec.NONE : retry;
    operations = List.copyOf(requireNonNull(operations, "operations"));
    instanceOverrides = instanceOverrides == null ? List.of() : List.copyOf(instanceOverrides);
  }

  /** Whether its calls are gRPC. */
  public boolean grpc() {
    return "grpc".equals(protocol);
  }

  /**
   * One operation: CPU work split around a sequence of steps.
   *
   * @param name operation name: {@code GET /cart} for HTTP, {@code CartService/GetCart} for gRPC
   * @param work CPU time of one request, half before the steps and half after
   * @param errorRate share of requests that fail by themselves, before their steps
   * @param steps calls, queries and messages, in order
   */
  public record OperationSpec(String name, Scenario.Work work, Double errorRate, List<Step> steps) {
    public OperationSpec {
      requireNonNull(name, "name");
      work = work == null ? new Scenario.Work(1.0, 0.3) : work;
      errorRate = errorRate == null ? 0.0 : errorRate;
      steps = steps == null ? List.of() : List.copyOf(steps);
    }
  }

  /**
   * One step of an operation; exactly one of {@code call}, {@code query}, {@code produce} and
   * {@code parallel} is set.
   *
   * @param call target service of a synchronous call
   * @param operation target operation of the call
   * @param query a shared dependency queried
   * @param statement the query's {@code db.operation.name}
   * @param produce a queue a message is sent to
   * @param parallel steps run at once (fan-out); the step ends when all of them have
   * @param probability chance the step runs at all
   * @param repeat how many times it runs, one after the other
   * @param timeoutMs client timeout of this call (default: the service's)
   * @param retry retry policy of this call (default: the service's)
   * @param optional a failure of this step does not fail the operation (a fallback exists)
   */
  public record Step(
      String call,
      String operation,
      String query,
      String statement,
      String produce,
      List<Step> parallel,
      Double probability,
      Integer repeat,
      Double timeoutMs,
      RetrySpec retry,
      Boolean optional) {
    public Step {
      probability = probability == null ? 1.0 : probability;
      repeat = repeat == null ? 1 : repeat;
      optional = optional != null && optional;
      parallel = parallel == null ? null : List.copyOf(parallel);
      int kinds =
          (call != null ? 1 : 0)
              + (query != null ? 1 : 0)
              + (produce != null ? 1 : 0)
              + (parallel != null ? 1 : 0);
      if (kinds != 1) {
        throw new IllegalArgumentException(
            "a step needs exactly one of call, query, produce and parallel");
      }
      if (call != null) {
        requireNonNull(operation, "operation of the call to " + call);
      }
      statement = statement == null ? "SELECT" : statement;
    }
  }

  /**
   * Client retries.
   *
   * @param max retries after the first attempt
   * @param backoffMs wait before the first retry; doubles after each
   * @param jitter relative random spread of the wait (0.5 is +-50 %)
   * @param budget retries allowed per first attempt, over time (0.1 caps retries at 10 % of calls;
   *     null: no budget)
   * @param onTimeout retry after a timeout, not only after an error response
   */
  public record RetrySpec(
      Integer max, Double backoffMs, Double jitter, Double budget, Boolean onTimeout) {
    static final RetrySpec NONE = new RetrySpec(0, null, null, null, null);

    public RetrySpec {
      max = max == null ? 0 : max;
      backoffMs = backoffMs == null ? 10.0 : backoffMs;
      jitter = jitter == null ? 0.2 : jitter;
      onTimeout = onTimeout == null || onTimeout;
    }
  }

  /**
   * A circuit breaker per caller instance and target service.
   *
   * @param failureRatio failures among the last {@code window} calls that open it
   * @param window calls it looks back over
   * @param openMs how long it stays open before letting a trial call through
   */
  public record BreakerSpec(Double failureRatio, Integer window, Double openMs) {
    public BreakerSpec {
      failureRatio = failureRatio == null ? 0.5 : failureRatio;
      window = window == null ? 20 : window;
      openMs = openMs == null ? 5_000.0 : openMs;
    }
  }

  /**
   * An instance unlike its siblings: another version, other client settings.
   *
   * @param index which instance (0-based)
   * @param version its {@code service.version}
   * @param timeoutMs its client timeout
   * @param retry its retry policy
   */
  public record InstanceSpec(Integer index, String version, Double timeoutMs, RetrySpec retry) {
    public InstanceSpec {
      requireNonNull(index, "index");
    }
  }
}
