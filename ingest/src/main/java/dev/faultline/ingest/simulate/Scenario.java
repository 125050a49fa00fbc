package dev.faultline.ingest.simulate;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A simulated system, its load, the faults injected into it, and the ground truth of what those
 * faults should look like to a detector. Read from JSON by {@link ScenarioReader}; the JSON Schema
 * is {@code dev/faultline/schemas/json/scenario.schema.json}.
 *
 * @param name short identifier, used in reports
 * @param description one paragraph on what happens
 * @param topology name of the system the scenario runs on (several scenarios share one)
 * @param seed seed of every random choice; the same seed gives the same spans
 * @param durationSeconds virtual time simulated
 * @param services the instrumented services
 * @param dependencies shared uninstrumented dependencies (databases, caches)
 * @param hosts machines whose cores several services share
 * @param queues message queues with their consumer groups
 * @param load the traffic entering the system
 * @param faults what goes wrong, and when
 * @param truth what a detector should report
 */
public record Scenario(
    String name,
    String description,
    String topology,
    Long seed,
    Double durationSeconds,
    List<ServiceSpec> services,
    List<DependencySpec> dependencies,
    List<HostSpec> hosts,
    List<QueueSpec> queues,
    List<LoadSpec> load,
    List<FaultSpec> faults,
    Truth truth) {
  public Scenario {
    requireNonNull(name, "name");
    description = description == null ? "" : description;
    topology = topology == null ? name : topology;
    seed = seed == null ? 1L : seed;
    durationSeconds = durationSeconds == null ? 300.0 : durationSeconds;
    services = List.copyOf(requireNonNull(services, "services"));
    dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    queues = queues == null ? List.of() : List.copyOf(queues);
    load = List.copyOf(requireNonNull(load, "load"));
    faults = faults == null ? List.of() : List.copyOf(faults);
    truth = truth == null ? Truth.NONE : truth;
  }

  /** The same scenario with another seed. */
  public Scenario withSeed(long newSeed) {
    return new Scenario(
        name,
        description,
        topology,
        newSeed,
        durationSeconds,
        services,
        dependencies,
        hosts,
        queues,
        load,
        faults,
        truth);
  }

  /**
   * A time distribution: log-normal with the given mean, so most values sit near the mean and a few
   * take much longer, as service times do.
   *
   * @param meanMs mean in milliseconds
   * @param sigma spread of the underlying normal (0 gives a constant)
   */
  public record Work(Double meanMs, Double sigma) {
    public Work {
      meanMs = meanMs == null ? 1.0 : meanMs;
      sigma = sigma == null ? 0.3 : sigma;
    }
  }

  /**
   * A database or cache several services use; it is not instrumented, so it shows up as the peer of
   * client spans.
   *
   * @param name its host name ({@code server.address})
   * @param kind {@code database} or {@code cache}
   * @param system {@code db.system} (postgresql, mysql, redis, ...)
   * @param namespace {@code db.namespace}
   * @param connections queries served at once; more wait for a connection
   * @param work time of one query
   */
  public record DependencySpec(
      String name, String kind, String system, String namespace, Integer connections, Work work) {
    public DependencySpec {
      requireNonNull(name, "name");
      kind = kind == null ? "database" : kind;
      system = system == null ? ("cache".equals(kind) ? "redis" : "postgresql") : system;
      connections = connections == null ? 32 : connections;
      work = work == null ? new Work(2.0, 0.4) : work;
    }
  }

  /**
   * A machine whose cores the services placed on it share: their CPU work waits for a free core.
   *
   * @param name host name
   * @param cores cores
   */
  public record HostSpec(String name, Integer cores) {
    public HostSpec {
      requireNonNull(name, "name");
      cores = cores == null ? 8 : cores;
    }
  }

  /**
   * A named queue (a topic) with the consumer groups reading it. Each group reads every message.
   *
   * @param name {@code messaging.destination.name}
   * @param system {@code messaging.system}
   * @param consumers the groups
   */
  public record QueueSpec(String name, String system, List<ConsumerSpec> consumers) {
    public QueueSpec {
      requireNonNull(name, "name");
      system = system == null ? "kafka" : system;
      consumers = List.copyOf(requireNonNull(consumers, "consumers"));
    }
  }

  /**
   * A consumer group: every instance of the service polls the queue with this many workers.
   *
   * @param service the consuming service
   * @param operation the operation each message runs
   * @param group {@code messaging.consumer.group.name}
   * @param concurrency messages processed at once per instance
   * @param link the consumer span links to the producer instead of being its child (batch consumers
   *     do this)
   */
  public record ConsumerSpec(
      String service, String operation, String group, Integer concurrency, Boolean link) {
    public ConsumerSpec {
      requireNonNull(service, "service");
      requireNonNull(operation, "operation");
      group = group == null ? service : group;
      concurrency = concurrency == null ? 4 : concurrency;
      link = link != null && link;
    }
  }

  /**
   * Requests entering the system at one entry operation, as a Poisson process.
   *
   * @param service entry service
   * @param operation entry operation
   * @param rate mean requests per second
   * @param shape {@code steady} or {@code diurnal}
   * @param periodSeconds period of the diurnal cycle
   * @param amplitude relative swing of the diurnal cycle (0.3 is +-30 %)
   * @param bursts periods with the rate multiplied
   */
  public record LoadSpec(
      String service,
      String operation,
      Double rate,
      String shape,
      Double periodSeconds,
      Double amplitude,
      List<Burst> bursts) {
    public LoadSpec {
      requireNonNull(service, "service");
      requireNonNull(operation, "operation");
      requireNonNull(rate, "rate");
      shape = shape == null ? "steady" : shape;
      periodSeconds = periodSeconds == null ? 600.0 : periodSeconds;
      amplitude = amplitude == null ? 0.0 : amplitude;
      bursts = bursts == null ? List.of() : List.copyOf(bursts);
    }

    /** The rate at {@code seconds} into the run. */
    public double rateAt(double seconds) {
      double value = rate;
      if ("diurnal".equals(shape)) {
        value *= 1 + amplitude * Math.sin(2 * Math.PI * seconds / periodSeconds);
      }
      for (Burst burst : bursts) {
        if (seconds >= burst.atSeconds() && seconds < burst.atSeconds() + burst.durationSeconds()) {
          value *= burst.factor();
        }
      }
      return Math.max(0, value);
    }
  }

  /**
   * A period of higher (or lower) load.
   *
   * @param atSeconds start
   * @param durationSeconds length
   * @param factor rate multiplier
   */
  public record Burst(Double atSeconds, Double durationSeconds, Double factor) {
    public Burst {
      requireNonNull(atSeconds, "atSeconds");
      requireNonNull(durationSeconds, "durationSeconds");
      requireNonNull(factor, "factor");
    }
  }

  /**
   * What a detector should report about this scenario.
   *
   * @param incident whether an incident is expected at all (false for fault-free scenarios)
   * @param faultType the kind of fault (as in {@link FaultSpec#type()})
   * @param incidentType the incident type a detector should report (CASCADING_LATENCY,
   *     ERROR_CASCADE, RETRY_STORM, QUEUE_GROWTH, SHARED_DEPENDENCY, TOPOLOGY_DRIFT)
   * @param service the root-cause service
   * @param operation the root-cause operation, when one is meant
   * @param path services from the root cause up to the entry point the failure reaches
   * @param startSeconds when the fault starts
   * @param endSeconds when it ends (null: at the end of the run)
   */
  public record Truth(
      Boolean incident,
      String faultType,
      String incidentType,
      String service,
      String operation,
      List<String> path,
      Double startSeconds,
      Double endSeconds) {
    static final Truth NONE = new Truth(false, null, null, null, null, List.of(), null, null);

    public Truth {
      incident = incident == null ? service != null : incident;
      path = path == null ? List.of() : List.copyOf(path);
      if (incident) {
        requireNonNull(service, "truth.service");
        requireNonNull(startSeconds, "truth.startSeconds");
      }
    }
  }
}
