package dev.faultline.ingest.simulate;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running system of one simulation: service instances with their worker pools, shared
 * dependencies and hosts, queues with their consumer groups, and the client side of every call
 * (timeouts, retries, budgets, breakers). Every span it makes goes through the OpenTelemetry SDK of
 * the process that would make it.
 */
final class World {
  private final Scenario scenario;
  private final EventLoop loop;
  private final Telemetry telemetry;
  private final SplittableRandom random;
  private final Faults faults;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, Dependency> dependencies = new LinkedHashMap<>();
  private final Map<String, Pool> hosts = new LinkedHashMap<>();
  private final Map<String, Queue> queues = new LinkedHashMap<>();

  private long requests;
  private long errors;
  private long timeouts;
  private long retries;
  private long rejected;
  private long breakerRejections;
  private long messages;

  World(Scenario scenario, EventLoop loop, Telemetry telemetry) {
    this.scenario = scenario;
    this.loop = loop;
    this.telemetry = telemetry;
    this.random = new SplittableRandom(scenario.seed());
    this.faults = new Faults(scenario.faults());
    scenario.hosts().forEach(h -> hosts.put(h.name(), new Pool(h.cores(), Integer.MAX_VALUE)));
    for (Scenario.DependencySpec spec : scenario.dependencies()) {
      dependencies.put(spec.name(), new Dependency(spec));
    }
    for (ServiceSpec spec : scenario.services()) {
      services.put(spec.name(), new Service(spec));
    }
    for (Scenario.QueueSpec spec : scenario.queues()) {
      queues.put(spec.name(), new Queue(spec));
    }
  }

  /** Schedules the load until {@code endMicros} and the fault transitions. */
  void start(long endMicros) {
    for (Scenario.LoadSpec load : scenario.load()) {
      Service service = services.get(load.service());
      ServiceSpec.OperationSpec operation = service.operation(load.operation());
      scheduleArrival(load, service, operation, endMicros);
    }
    for (FaultSpec fault : scenario.faults()) {
      loop.at(micros(fault.startSeconds()), () -> transition(fault, true));
      if (fault.endSeconds() != null) {
        loop.at(micros(fault.endSeconds()), () -> transition(fault, false));
      }
    }
  }

  Simulator.Summary summary(long spans, long exports) {
    return new Simulator.Summary(
        requests, spans, exports, errors, timeouts, retries, rejected, breakerRejections, messages);
  }

  private static long micros(double seconds) {
    return (long) (seconds * 1_000_000L);
  }

  private double seconds() {
    return loop.now() / 1e6;
  }

  // ---- load

  private void scheduleArrival(
      Scenario.LoadSpec load, Service service, ServiceSpec.OperationSpec operation, long end) {
    double rate = load.rateAt(seconds());
    long gap =
        rate <= 0 ? 100_000L : (long) (-Math.log(1 - random.nextDouble()) / rate * 1_000_000L);
    loop.after(
        gap,
        () -> {
          if (loop.now() >= end) {
            return;
          }
          if (load.rateAt(seconds()) > 0) {
            requests++;
            arrive(service.next(), operation, Map.of(), null, outcome -> {});
          }
          scheduleArrival(load, service, operation, end);
        });
  }

  // ---- faults

  private void transition(FaultSpec fault, boolean starting) {
    if (fault.version() != null && fault.service() != null) {
      Service service = services.get(fault.service());
      for (Instance instance : service.instances) {
        if (fault.hits(service.spec.name(), instance.index)) {
          instance.redeploy(starting ? fault.version() : instance.baseVersion);
        }
      }
    }
    // A consumer that starts again (or a queue that changes pace) polls at once.
    queues.values().forEach(Queue::dispatchAll);
  }

  // ---- serving

  /** Outcome of a request as its caller sees it. */
  enum Outcome {
    OK,
    ERROR,
    REJECTED
  }

  /** A request reaches {@code instance}: served, queued for a worker, or rejected. */
  private void arrive(
      Instance instance,
      ServiceSpec.OperationSpec operation,
      Map<String, String> carrier,
      String caller,
      Consumer<Outcome> reply) {
    long arrival = loop.now();
    boolean accepted =
        instance.workers.acquire(
            () -> {
              Span span = instance.serverSpan(operation, carrier, arrival);
              execute(
                  instance,
                  operation,
                  span,
                  ok -> {
                    instance.endServer(span, operation, ok ? Outcome.OK : Outcome.ERROR);
                    instance.workers.release();
                    reply.accept(ok ? Outcome.OK : Outcome.ERROR);
                  });
            });
    if (!accepted) {
      rejected++;
      Span span = instance.serverSpan(operation, carrier, arrival);
      instance.endServer(span, operation, Outcome.REJECTED);
      reply.accept(Outcome.REJECTED);
    }
  }

  /** Runs {@code operation} under {@code span}: CPU work around its steps. */
  private void execute(
      Instance instance, ServiceSpec.OperationSpec operation, Span span, Consumer<Boolean> done) {
    String service = instance.service.spec.name();
    double failure =
        operation.errorRate()
            + faults.errorRate(service, instance.index, operation.name(), seconds());
    boolean fails = random.nextDouble() < failure;
    double factor =
        faults.workFactor(service, instance.index, operation.name(), seconds())
            * (instance.service.spec.host() == null
                ? 1.0
                : faults.hostFactor(instance.service.spec.host(), seconds()));
    long work =
        (long)
            (sample(operation.work()) * factor
                + faults.addedMs(service, instance.index, operation.name(), seconds()) * 1_000);
    long before = work / 2;
    cpu(
        instance,
        before,
        () -> {
          if (fails) {
            errors++;
            span.setAttribute("error.type", "java.lang.IllegalStateException");
            done.accept(false);
            return;
          }
          runSteps(
              instance,
              span,
              operation.steps(),
              0,
              ok -> cpu(instance, work - before, () -> done.accept(ok)));
        });
  }

  private void cpu(Instance instance, long micros, Runnable then) {
    String host = instance.service.spec.host();
    if (host == null) {
      loop.after(micros, then);
      return;
    }
    Pool cores = hosts.get(host);
    cores.acquire(
        () ->
            loop.after(
                micros,
                () -> {
                  cores.release();
                  then.run();
                }));
  }

  /** Microseconds of a log-normal draw with the work's mean. */
  private double sample(Scenario.Work work) {
    double mean = work.meanMs() * 1_000;
    if (work.sigma() <= 0) {
      return mean;
    }
    double mu = Math.log(mean) - work.sigma() * work.sigma() / 2;
    return Math.exp(mu + work.sigma() * gaussian());
  }

  private double gaussian() {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private void runSteps(
      Instance instance,
      Span parent,
      List<ServiceSpec.Step> steps,
      int index,
      Consumer<Boolean> done) {
    if (index == steps.size()) {
      done.accept(true);
      return;
    }
    ServiceSpec.Step step = steps.get(index);
    if (step.probability() < 1 && random.nextDouble() >= step.probability()) {
      runSteps(instance, parent, steps, index + 1, done);
      return;
    }
    repeat(
        instance,
        parent,
        step,
        step.repeat(),
        ok -> {
          if (ok || step.optional()) {
            runSteps(instance, parent, steps, index + 1, done);
          } else {
            done.accept(false);
          }
        });
  }

  private void repeat(
      Instance instance, Span parent, ServiceSpec.Step step, int times, Consumer<Boolean> done) {
    if (times == 0) {
      done.accept(true);
      return;
    }
    runStep(
        instance,
        parent,
        step,
        ok -> {
          if (ok || step.optional()) {
            repeat(instance, parent, step, times - 1, done);
          } else {
            done.accept(false);
          }
        });
  }

  private void runStep(
      Instance instance, Span parent, ServiceSpec.Step step, Consumer<Boolean> done) {
    if (step.call() != null) {
      call(instance, parent, step, 0, done);
    } else if (step.query() != null) {
      query(instance, parent, step, done);
    } else if (step.produce() != null) {
      produce(instance, parent, step, done);
    } else {
      int[] left = {step.parallel().size()};
      boolean[] allOk = {true};
      for (ServiceSpec.Step branch : step.parallel()) {
        repeat(
            instance,
            parent,
            branch,
            branch.probability() < 1 && random.nextDouble() >= branch.probability()
                ? 0
                : branch.repeat(),
            ok -> {
              allOk[0] &= ok || branch.optional();
              if (--left[0] == 0) {
                done.accept(allOk[0]);
              }
            });
      }
    }
  }

  // ---- calls

  private long networkMicros(String from, String to) {
    return 150
        + (long) (-Math.log(1 - random.nextDouble()) * 100)
        + (long) (faults.networkMs(from, to, seconds()) * 1_000);
  }

  private void call(
      Instance caller, Span parent, ServiceSpec.Step step, int attempt, Consumer<Boolean> done) {
    Service target = services.get(step.call());
    ServiceSpec.OperationSpec operation = target.operation(step.operation());
    Instance callee = target.next();
    Span client = caller.clientSpan(parent, target.spec, operation, attempt);
    Breaker breaker = caller.breaker(target);
    if (breaker != null && !breaker.allow(loop.now())) {
      breakerRejections++;
      client.setAttribute("error.type", "CircuitBreakerOpen");
      client.setStatus(StatusCode.ERROR, "circuit breaker open");
      client.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
      done.accept(false);
      return;
    }
    if (attempt == 0) {
      caller.earnRetryBudget(caller.retry(step));
    }
    Map<String, String> carrier = Telemetry.inject(Context.root().with(client));
    boolean[] settled = {false};
    long timeout = (long) (caller.timeoutMs(step) * 1_000);
    loop.after(
        timeout,
        () -> {
          if (settled[0]) {
            return;
          }
          settled[0] = true;
          timeouts++;
          client.setAttribute("error.type", "timeout");
          client.setStatus(StatusCode.ERROR, "deadline exceeded after " + timeout / 1_000 + " ms");
          if (target.spec.grpc()) {
            client.setAttribute("rpc.grpc.status_code", 4L);
          }
          client.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
          if (breaker != null) {
            breaker.record(false, loop.now());
          }
          retryOrFail(caller, parent, step, attempt, true, done);
        });
    String from = caller.service.spec.name();
    long there = networkMicros(from, target.spec.name());
    loop.after(
        there,
        () ->
            arrive(
                callee,
                operation,
                carrier,
                from,
                outcome ->
                    loop.after(
                        networkMicros(target.spec.name(), from),
                        () -> {
                          if (settled[0]) {
                            return;
                          }
                          settled[0] = true;
                          caller.endClient(client, target.spec, outcome);
                          boolean ok = outcome == Outcome.OK;
                          if (breaker != null) {
                            breaker.record(ok, loop.now());
                          }
                          if (ok) {
                            done.accept(true);
                          } else {
                            retryOrFail(caller, parent, step, attempt, false, done);
                          }
                        })));
  }

  private void retryOrFail(
      Instance caller,
      Span parent,
      ServiceSpec.Step step,
      int attempt,
      boolean timedOut,
      Consumer<Boolean> done) {
    ServiceSpec.RetrySpec retry = caller.retry(step);
    if (attempt < caller.retryMax(step)
        && (!timedOut || retry.onTimeout())
        && caller.spendRetryBudget(retry)) {
      retries++;
      double jitter = 1 + retry.jitter() * (2 * random.nextDouble() - 1);
      long backoff = (long) (retry.backoffMs() * 1_000 * Math.pow(2, attempt) * jitter);
      loop.after(backoff, () -> call(caller, parent, step, attempt + 1, done));
    } else {
      done.accept(false);
    }
  }

  private void query(Instance caller, Span parent, ServiceSpec.Step step, Consumer<Boolean> done) {
    Dependency dependency = dependencies.get(step.query());
    Span client = caller.querySpan(parent, dependency.spec, step.statement());
    String from = caller.service.spec.name();
    String to = dependency.spec.name();
    loop.after(
        networkMicros(from, to),
        () ->
            dependency.connections.acquire(
                () -> {
                  double factor = faults.dependencyFactor(to, seconds());
                  long work =
                      (long)
                          (sample(dependency.spec.work()) * factor
                              + faults.dependencyAddedMs(to, seconds()) * 1_000);
                  loop.after(
                      work,
                      () -> {
                        dependency.connections.release();
                        loop.after(
                            networkMicros(to, from),
                            () -> {
                              client.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
                              done.accept(true);
                            });
                      });
                }));
  }

  private void produce(
      Instance caller, Span parent, ServiceSpec.Step step, Consumer<Boolean> done) {
    Queue queue = queues.get(step.produce());
    Span producer = caller.producerSpan(parent, queue.spec);
    Map<String, String> carrier = Telemetry.inject(Context.root().with(producer));
    long ack = 2 * networkMicros(caller.service.spec.name(), queue.spec.name()) + 300;
    loop.after(
        ack,
        () -> {
          producer.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
          messages++;
          queue.publish(carrier);
          done.accept(true);
        });
  }

  // ---- the parts

  private final class Service {
    final ServiceSpec spec;
    final List<Instance> instances = new ArrayList<>();
    final Map<String, ServiceSpec.OperationSpec> operations = new LinkedHashMap<>();
    private int next;

    Service(ServiceSpec spec) {
      this.spec = spec;
      spec.operations().forEach(o -> operations.put(o.name(), o));
      for (int i = 0; i < spec.instances(); i++) {
        instances.add(new Instance(this, i, telemetry));
      }
    }

    ServiceSpec.OperationSpec operation(String name) {
      return operations.get(name);
    }

    /** The next instance, round-robin (a client-side load balancer). */
    Instance next() {
      Instance instance = instances.get(next);
      next = (next + 1) % instances.size();
      return instance;
    }
  }

  private final class Instance extends InstanceSpans {
    final Service service;
    final int index;
    final Pool workers;
    final String baseVersion;
    private final ServiceSpec.InstanceSpec override;
    private final Map<String, Breaker> breakers = new LinkedHashMap<>();
    private double retryTokens = 10;

    Instance(Service service, int index, Telemetry telemetry) {
      super(telemetry, service.spec, index);
      this.service = service;
      this.index = index;
      this.workers = new Pool(service.spec.workers(), service.spec.queueLimit());
      this.override =
          service.spec.instanceOverrides().stream()
              .filter(o -> o.index() == index)
              .findFirst()
              .orElse(null);
      this.baseVersion =
          override != null && override.version() != null
              ? override.version()
              : service.spec.version();
      redeploy(baseVersion);
    }

    Breaker breaker(Service target) {
      if (service.spec.circuitBreaker() == null) {
        return null;
      }
      return breakers.computeIfAbsent(
          target.spec.name(), t -> new Breaker(service.spec.circuitBreaker()));
    }

    ServiceSpec.RetrySpec retry(ServiceSpec.Step step) {
      if (step.retry() != null) {
        return step.retry();
      }
      if (override != null && override.retry() != null) {
        return override.retry();
      }
      return service.spec.retry();
    }

    int retryMax(ServiceSpec.Step step) {
      Integer drifted = faults.retryMax(service.spec.name(), index, seconds());
      return drifted != null ? drifted : retry(step).max();
    }

    double timeoutMs(ServiceSpec.Step step) {
      Double drifted = faults.timeoutMs(service.spec.name(), index, seconds());
      if (drifted != null) {
        return drifted;
      }
      if (step.timeoutMs() != null) {
        return step.timeoutMs();
      }
      if (override != null && override.timeoutMs() != null) {
        return override.timeoutMs();
      }
      return service.spec.timeoutMs();
    }

    void earnRetryBudget(ServiceSpec.RetrySpec retry) {
      if (retry.budget() != null) {
        retryTokens = Math.min(10, retryTokens + retry.budget());
      }
    }

    boolean spendRetryBudget(ServiceSpec.RetrySpec retry) {
      if (retry.budget() == null) {
        return true;
      }
      if (retryTokens < 1) {
        return false;
      }
      retryTokens -= 1;
      return true;
    }
  }

  private final class Dependency {
    final Scenario.DependencySpec spec;
    final Pool connections;

    Dependency(Scenario.DependencySpec spec) {
      this.spec = spec;
      this.connections = new Pool(spec.connections(), Integer.MAX_VALUE);
    }
  }

  /** A queue and its consumer groups; each group has its own backlog and idle workers. */
  private final class Queue {
    final Scenario.QueueSpec spec;
    final List<Group> groups = new ArrayList<>();

    Queue(Scenario.QueueSpec spec) {
      this.spec = spec;
      for (Scenario.ConsumerSpec consumer : spec.consumers()) {
        groups.add(new Group(consumer));
      }
    }

    void publish(Map<String, String> carrier) {
      for (Group group : groups) {
        group.backlog.add(new Message(carrier));
        group.dispatch();
      }
    }

    void dispatchAll() {
      groups.forEach(Group::dispatch);
    }

    private final class Group {
      final Scenario.ConsumerSpec consumer;
      final Service service;
      final ServiceSpec.OperationSpec operation;
      final Deque<Message> backlog = new ArrayDeque<>();
      final Deque<Instance> idle = new ArrayDeque<>();

      Group(Scenario.ConsumerSpec consumer) {
        this.consumer = consumer;
        this.service = services.get(consumer.service());
        this.operation = service.operation(consumer.operation());
        for (int slot = 0; slot < consumer.concurrency(); slot++) {
          idle.addAll(service.instances);
        }
      }

      void dispatch() {
        while (!backlog.isEmpty()
            && !idle.isEmpty()
            && !faults.consumerStopped(consumer.service(), spec.name(), seconds())) {
          Instance instance = idle.poll();
          Message message = backlog.poll();
          Span span = instance.consumerSpan(spec, consumer, message.carrier());
          execute(
              instance,
              operation,
              span,
              ok -> {
                if (!ok) {
                  span.setStatus(StatusCode.ERROR);
                }
                span.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
                idle.add(instance);
                dispatch();
              });
        }
      }
    }
  }

  private record Message(Map<String, String> carrier) {}
}
