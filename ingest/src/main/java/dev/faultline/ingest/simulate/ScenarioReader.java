package dev.faultline.ingest.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads scenario files and checks that everything they name exists, so that a typo fails at load
 * time with the file and the name, not as a silent gap in the traffic.
 */
public final class ScenarioReader {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ScenarioReader() {}

  /**
   * Reads and checks one scenario file. A scenario may name a system file in {@code "extends"}
   * (relative to itself): its fields are taken unless the scenario sets them, so that several
   * scenarios share one topology.
   */
  public static Scenario read(Path file) throws IOException {
    return read(
        new java.io.ByteArrayInputStream(MAPPER.writeValueAsBytes(merged(file))), file.toString());
  }

  /** The scenario in {@code file} with what it extends merged in, as the JSON Schema sees it. */
  public static ObjectNode merged(Path file) throws IOException {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not JSON: " + e.getOriginalMessage(), e);
    }
    if (!(tree instanceof ObjectNode scenario)) {
      throw new IllegalArgumentException(file + ": a scenario is a JSON object");
    }
    JsonNode base = scenario.remove("extends");
    if (base != null) {
      Path system = file.resolveSibling(base.asText());
      if (!Files.isRegularFile(system)) {
        throw new IllegalArgumentException(file + ": extends " + system + ", which does not exist");
      }
      JsonNode parent = MAPPER.readTree(system.toFile());
      if (!(parent instanceof ObjectNode merged)) {
        throw new IllegalArgumentException(system + ": a system file is a JSON object");
      }
      merged.setAll(scenario);
      scenario = merged;
    }
    return scenario;
  }

  /** Reads and checks one scenario; {@code source} names it in errors. */
  public static Scenario read(InputStream in, String source) throws IOException {
    Scenario scenario;
    try {
      scenario = MAPPER.readValue(in, Scenario.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          source
              + ": not a valid scenario at "
              + (e instanceof JsonMappingException m ? m.getPathReference() : "")
              + ": "
              + rootMessage(e),
          e);
    }
    List<String> problems = check(scenario);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
    }
    return scenario;
  }

  /** Every {@code *.json} scenario in {@code directory}, by file name. */
  public static List<Scenario> readAll(Path directory) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no *.json scenario in " + directory);
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (Path file : files) {
      scenarios.add(read(file));
    }
    return scenarios;
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    int newline = message == null ? -1 : message.indexOf('\n');
    return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
  }

  /** The references a scenario gets wrong; empty when it is consistent. */
  static List<String> check(Scenario scenario) {
    List<String> problems = new ArrayList<>();
    Map<String, ServiceSpec> services = new HashMap<>();
    for (ServiceSpec service : scenario.services()) {
      if (services.put(service.name(), service) != null) {
        problems.add("service '" + service.name() + "' is defined twice");
      }
      if (service.instances() < 1 || service.workers() < 1 || service.queueLimit() < 0) {
        problems.add("service '" + service.name() + "' needs instances and workers >= 1");
      }
    }
    Set<String> dependencies = new HashSet<>();
    scenario.dependencies().forEach(d -> dependencies.add(d.name()));
    Set<String> hosts = new HashSet<>();
    scenario.hosts().forEach(h -> hosts.add(h.name()));
    Set<String> queues = new HashSet<>();
    scenario.queues().forEach(q -> queues.add(q.name()));
    for (ServiceSpec service : scenario.services()) {
      if (service.host() != null && !hosts.contains(service.host())) {
        problems.add(
            "service '" + service.name() + "' runs on unknown host '" + service.host() + "'");
      }
      for (ServiceSpec.OperationSpec operation : service.operations()) {
        String where = service.name() + " " + operation.name();
        checkSteps(operation.steps(), where, services, dependencies, queues, problems);
      }
    }
    for (Scenario.QueueSpec queue : scenario.queues()) {
      for (Scenario.ConsumerSpec consumer : queue.consumers()) {
        checkOperation(
            consumer.service(),
            consumer.operation(),
            "consumer of " + queue.name(),
            services,
            problems);
      }
    }
    for (Scenario.LoadSpec load : scenario.load()) {
      checkOperation(load.service(), load.operation(), "load", services, problems);
    }
    for (FaultSpec fault : scenario.faults()) {
      FaultSpec.Kind kind = fault.kind();
      boolean onHost = kind == FaultSpec.Kind.CAPACITY && fault.target() != null;
      if (kind == FaultSpec.Kind.DEPENDENCY && !dependencies.contains(fault.target())) {
        problems.add("fault " + fault.type() + " needs a target naming a dependency");
      } else if (kind != FaultSpec.Kind.DEPENDENCY && !onHost && fault.service() == null) {
        problems.add("fault " + fault.type() + " needs a service");
      }
      if (fault.service() != null && !services.containsKey(fault.service())) {
        problems.add("fault " + fault.type() + " names unknown service '" + fault.service() + "'");
      }
      if (fault.target() != null
          && !services.containsKey(fault.target())
          && !dependencies.contains(fault.target())
          && !hosts.contains(fault.target())
          && !queues.contains(fault.target())) {
        problems.add("fault " + fault.type() + " names unknown target '" + fault.target() + "'");
      }
    }
    Scenario.Truth truth = scenario.truth();
    if (truth.incident()
        && !services.containsKey(truth.service())
        && !dependencies.contains(truth.service())) {
      problems.add("truth names unknown service '" + truth.service() + "'");
    }
    for (String hop : truth.path()) {
      if (!services.containsKey(hop) && !dependencies.contains(hop)) {
        problems.add("truth path names unknown service '" + hop + "'");
      }
    }
    return problems;
  }

  private static void checkSteps(
      List<ServiceSpec.Step> steps,
      String where,
      Map<String, ServiceSpec> services,
      Set<String> dependencies,
      Set<String> queues,
      List<String> problems) {
    for (ServiceSpec.Step step : steps) {
      if (step.call() != null) {
        checkOperation(step.call(), step.operation(), where, services, problems);
      } else if (step.query() != null && !dependencies.contains(step.query())) {
        problems.add(where + " queries unknown dependency '" + step.query() + "'");
      } else if (step.produce() != null && !queues.contains(step.produce())) {
        problems.add(where + " produces to unknown queue '" + step.produce() + "'");
      } else if (step.parallel() != null) {
        checkSteps(step.parallel(), where, services, dependencies, queues, problems);
      }
    }
  }

  private static void checkOperation(
      String service,
      String operation,
      String where,
      Map<String, ServiceSpec> services,
      List<String> problems) {
    ServiceSpec target = services.get(service);
    if (target == null) {
      problems.add(where + " names unknown service '" + service + "'");
    } else if (target.operations().stream().noneMatch(o -> o.name().equals(operation))) {
      problems.add(where + " names unknown operation '" + operation + "' of " + service);
    }
  }
}
