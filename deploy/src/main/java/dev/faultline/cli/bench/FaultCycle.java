package dev.faultline.cli.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated run that injects the faults of several scenarios of one system in turn, each with
 * its truth: {@link #WARM_UP_SECONDS} of healthy traffic to learn from (as long as the suite's
 * scenarios have before their fault), then each scenario's faults moved to their slot and cut to
 * {@link #FAULT_SECONDS}, with {@link #QUIET_SECONDS} of quiet after each so that its incident
 * resolves and the baselines settle before the next.
 *
 * @param scenario the run, on the system of the first scenario
 * @param faults the injected faults in order, with what a detector should name
 */
record FaultCycle(Scenario scenario, List<Fault> faults) {
  static final double WARM_UP_SECONDS = 150;
  static final double FAULT_SECONDS = 60;
  static final double QUIET_SECONDS = 120;

  /** The suite's scenarios on the storefront, each fault on a different root cause. */
  static final List<String> DEFAULT_SCENARIOS =
      List.of(
          "storefront-deep-latency.json",
          "storefront-error-cascade.json",
          "storefront-network-delay.json",
          "storefront-shared-db.json",
          "storefront-slow-consumer.json");

  /**
   * One injected fault.
   *
   * @param name the scenario it comes from
   * @param truth the root-cause service (or shared dependency) the scenario names
   * @param startSeconds its start in the run's virtual time
   * @param endSeconds its end
   */
  record Fault(String name, String truth, double startSeconds, double endSeconds) {
    Fault {
      requireNonNull(name, "name");
      requireNonNull(truth, "truth");
    }
  }

  FaultCycle {
    requireNonNull(scenario, "scenario");
    faults = List.copyOf(faults);
  }

  /**
   * The cycle of {@code count} faults taken from {@code files} in turn (from the start again when
   * there are fewer files). Every file must extend the same system and have a truth.
   */
  static FaultCycle of(List<Path> files, int count) throws IOException {
    if (files.isEmpty() || count < 1) {
      throw new IllegalArgumentException("a fault cycle needs scenarios and at least one fault");
    }
    ObjectNode run = null;
    String system = null;
    ArrayNode faults = null;
    List<Fault> injected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file = files.get(i % files.size());
      ObjectNode merged = ScenarioReader.merged(file);
      Scenario scenario = ScenarioReader.read(file);
      Scenario.Truth truth = scenario.truth();
      if (!truth.incident()) {
        throw new IllegalArgumentException(file + ": no truth to measure detection against");
      }
      String topology = scenario.topology();
      if (run == null) {
        run = merged.deepCopy();
        run.put("name", "bench-fault-cycle");
        run.remove("truth");
        faults = run.putArray("faults");
        system = topology;
      } else if (!java.util.Objects.equals(system, topology)) {
        throw new IllegalArgumentException(
            file + ": a fault cycle runs on one system (" + system + ", not " + topology + ")");
      }
      double start = WARM_UP_SECONDS + i * (FAULT_SECONDS + QUIET_SECONDS);
      double shift = start - truth.startSeconds();
      for (JsonNode fault : (ArrayNode) merged.get("faults")) {
        ObjectNode moved = ((ObjectNode) fault).deepCopy();
        double from = fault.get("startSeconds").asDouble() + shift;
        double to =
            fault.has("endSeconds") ? fault.get("endSeconds").asDouble() + shift : from + 1e9;
        moved.put("startSeconds", from);
        moved.put("endSeconds", Math.min(to, start + FAULT_SECONDS));
        faults.add(moved);
      }
      injected.add(new Fault(scenario.name(), truth.service(), start, start + FAULT_SECONDS));
    }
    run.put("durationSeconds", WARM_UP_SECONDS + count * (FAULT_SECONDS + QUIET_SECONDS));
    byte[] json = new ObjectMapper().writeValueAsBytes(run);
    return new FaultCycle(
        ScenarioReader.read(new ByteArrayInputStream(json), "fault cycle of " + files), injected);
  }
}
