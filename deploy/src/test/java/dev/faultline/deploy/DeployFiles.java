package dev.faultline.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files of {@code deploy/} (and the operations docs) as the tests read them. */
final class DeployFiles {
  /** The deploy module's directory (the tests' working directory). */
  static final Path MODULE = Path.of("").toAbsolutePath();

  static final Path REPOSITORY = MODULE.getParent();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final ObjectMapper YAML_MAPPER = new ObjectMapper(YAML);

  /** A metric name as PromQL and the docs write it. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:faultline|kafka)_[a-z0-9_]+)\\b");

  private DeployFiles() {}

  /** The YAML and JSON files of {@code deploy/} (not the build's output nor the Java sources). */
  static List<Path> configFiles() {
    try (Stream<Path> files = Files.walk(MODULE)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> !p.startsWith(MODULE.resolve("target")) && !p.startsWith(MODULE.resolve("src")))
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a YAML file (Kubernetes files hold several, separated by ---). */
  static List<JsonNode> yamlDocuments(Path file) {
    try (YAMLParser parser = YAML.createParser(file.toFile())) {
      List<JsonNode> documents = new ArrayList<>();
      var iterator = YAML_MAPPER.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        JsonNode document = iterator.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static JsonNode yaml(String relative) {
    List<JsonNode> documents = yamlDocuments(MODULE.resolve(relative));
    if (documents.size() != 1) {
      throw new IllegalStateException(relative + " holds " + documents.size() + " documents");
    }
    return documents.get(0);
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metric names a Prometheus text exposition holds. */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.length();
      for (char stop : new char[] {'{', ' '}) {
        int at = line.indexOf(stop);
        if (at >= 0) {
          end = Math.min(end, at);
        }
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  /** The metric names used in PromQL (rules, dashboard) and named in the operations docs. */
  static Map<String, Set<String>> metricNamesInDeployFiles() {
    Map<String, Set<String>> named = new TreeMap<>();
    for (Path file : configFiles()) {
      Set<String> names = new TreeSet<>();
      collectExpressions(parse(file), names);
      if (!names.isEmpty()) {
        named.put(MODULE.relativize(file).toString(), names);
      }
    }
    for (String doc : List.of("docs/operations.md", "docs/alerts.md")) {
      named.put(doc, metricNames(text(REPOSITORY.resolve(doc))));
    }
    return named;
  }

  static List<JsonNode> parse(Path file) {
    return file.toString().endsWith(".json") ? List.of(json(file)) : yamlDocuments(file);
  }

  /** Metric names in the {@code expr} fields (Prometheus rules, Grafana targets) of documents. */
  private static void collectExpressions(List<JsonNode> documents, Set<String> names) {
    for (JsonNode document : documents) {
      for (JsonNode expression : document.findValues("expr")) {
        names.addAll(metricNames(expression.asText()));
      }
    }
  }

  static Set<String> metricNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /** An OTLP/JSON request holding one server span that ended just now. */
  static String oneSpanRequest() {
    long end = Instant.now().toEpochMilli() * 1_000_000L;
    long start = end - 5_000_000L;
    return """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",\
        "value":{"stringValue":"checkout"}}]},"scopeSpans":[{"spans":[{\
        "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",\
        "name":"POST /checkout","kind":2,"startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}]}"""
        .formatted(start, end);
  }
}
