package dev.faultline.analyzer.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled recording: where the fault was injected and when.
 *
 * @param name case name
 * @param file the OTLP JSON lines file
 * @param injectedAt when the fault was injected (same clock as the spans)
 * @param rootCauseService the service the fault was injected into
 * @param faultType the data set's fault label
 */
public record LabelledCase(
    String name, Path file, Instant injectedAt, String rootCauseService, String faultType) {
  public LabelledCase {
    requireNonNull(name, "name");
    requireNonNull(file, "file");
    requireNonNull(injectedAt, "injectedAt");
    requireNonNull(rootCauseService, "rootCauseService");
    requireNonNull(faultType, "faultType");
  }

  /**
   * Reads a labels file: a JSON array of {@code {"case": path relative to the file, "inject_time",
   * "root_cause_service", "fault_type"}}, as the Nezha conversion writes it.
   */
  public static List<LabelledCase> read(Path labels) throws IOException {
    JsonNode root = new ObjectMapper().readTree(labels.toFile());
    if (!root.isArray()) {
      throw new IOException(labels + ": expected a JSON array of cases");
    }
    List<LabelledCase> cases = new ArrayList<>();
    Path dir = labels.toAbsolutePath().getParent();
    for (JsonNode entry : root) {
      String file = required(entry, "case", labels);
      Path path = dir.resolve(file);
      String name = path.getFileName().toString().replaceAll("\\.jsonl(\\.gz)?$", "");
      cases.add(
          new LabelledCase(
              name,
              path,
              Instant.parse(required(entry, "inject_time", labels)),
              required(entry, "root_cause_service", labels),
              required(entry, "fault_type", labels)));
    }
    return cases;
  }

  private static String required(JsonNode entry, String field, Path labels) throws IOException {
    JsonNode value = entry.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException(labels + ": a case lacks '" + field + "'");
    }
    return value.asText();
  }
}
