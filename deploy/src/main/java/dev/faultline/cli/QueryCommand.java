package dev.faultline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faultline query}: the API from the command line, as tables or JSON. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Ask a running Faultline about the reconstructed call graph.",
      "When its API requires a token, put it in the environment variable FAULTLINE_API_TOKEN."
    },
    subcommands = {
      QueryCommand.Graph.class,
      QueryCommand.Service.class,
      QueryCommand.Paths.class,
      QueryCommand.Trace.class
    })
final class QueryCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The environment variable holding the API's bearer token (faultline.api.auth.token). */
  static final String TOKEN_ENV = "FAULTLINE_API_TOKEN";

  /** Options shared by the query subcommands. */
  static final class Common {
    @Option(
        names = "--url",
        defaultValue = "http://localhost:8080",
        description = "Faultline API address (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--json", description = "Print the JSON document as it came.")
    boolean json;

    @Option(names = "--at", description = "A past instant (ISO-8601 or epoch ms).")
    String at;

    @Option(names = "--window", description = "Time range to merge, e.g. 30s, 5m (default 60s).")
    String window;

    String query(String path, String... pairs) {
      StringBuilder out = new StringBuilder(url.replaceAll("/+$", "")).append(path);
      char sep = path.contains("?") ? '&' : '?';
      for (int i = 0; i + 1 < pairs.length; i += 2) {
        if (pairs[i + 1] != null) {
          out.append(sep)
              .append(pairs[i])
              .append('=')
              .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
          sep = '&';
        }
      }
      return out.toString();
    }

    JsonNode get(String address, PrintWriter err) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(address)).timeout(Duration.ofSeconds(30)).GET();
      // From the environment, not an option, so that it never shows in a process listing.
      String token = System.getenv(TOKEN_ENV);
      if (token != null && !token.isBlank()) {
        request.header("Authorization", "Bearer " + token.trim());
      }
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = new ObjectMapper().readTree(response.body());
      if (response.statusCode() >= 400) {
        throw new IllegalStateException(
            response.statusCode()
                + ": "
                + body.path("error").path("message").asText(response.body()));
      }
      return body;
    }
  }

  private static void printJson(PrintWriter out, JsonNode document) throws Exception {
    out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
  }

  private static String latency(JsonNode figures) {
    JsonNode latency = figures.path("latencyMs");
    if (latency.isNull() || latency.isMissingNode()) {
      latency = figures.path("serverLatencyMs");
    }
    return latency.isNull() || latency.isMissingNode()
        ? "-"
        : String.format("%.1f", latency.path("p99").asDouble());
  }

  private static void edgeTable(PrintWriter out, JsonNode edges) {
    out.printf(
        "%-34s %-34s %-9s %9s %7s %7s %9s%n",
        "FROM", "TO", "KIND", "CALLS/S", "ERR%", "RETRY%", "P99 MS");
    for (JsonNode edge : edges) {
      out.printf(
          "%-34s %-34s %-9s %9.2f %6.1f%% %6.1f%% %9s%n",
          edge.path("source").asText(),
          edge.path("target").asText(),
          edge.path("kind").asText(),
          edge.path("callRate").asDouble(),
          edge.path("errorRate").asDouble() * 100,
          edge.path("retryRate").asDouble() * 100,
          latency(edge));
    }
  }

  @Command(name = "graph", mixinStandardHelpOptions = true, description = "The live call graph.")
  static final class Graph implements Callable<Integer> {
    @CommandLine.Mixin Common common;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode graph =
          common.get(
              common.query("/api/v1/graph", "at", common.at, "window", common.window),
              spec.commandLine().getErr());
      if (common.json) {
        printJson(out, graph);
        return 0;
      }
      out.printf("%-40s %-9s %10s %7s %9s%n", "NODE", "TYPE", "REQ/S", "ERR%", "P99 MS");
      for (JsonNode node : graph.path("nodes")) {
        out.printf(
            "%-40s %-9s %10.2f %6.1f%% %9s%n",
            node.path("name").asText(),
            node.path("type").asText(),
            node.path("requestRate").asDouble(),
            node.path("errorRate").asDouble() * 100,
            latency(node));
      }
      out.println();
      edgeTable(out, graph.path("edges"));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "service",
      mixinStandardHelpOptions = true,
      description = "One service: its figures, callers and callees.")
  static final class Service implements Callable<Integer> {
    @CommandLine.Mixin Common common;

    @Parameters(paramLabel = "NAME", description = "The service.")
    String name;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode doc =
          common.get(
              common.query(
                  "/api/v1/services/"
                      + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"),
                  "at",
                  common.at,
                  "window",
                  common.window),
              spec.commandLine().getErr());
      if (common.json) {
        printJson(out, doc);
        return 0;
      }
      JsonNode service = doc.path("service");
      out.printf(
          "%s: %.2f req/s, %.1f%% errors, p99 %s ms, self time p99 %s ms%n",
          name,
          service.path("requestRate").asDouble(),
          service.path("errorRate").asDouble() * 100,
          latency(service),
          service.path("selfTimeMs").isNull()
              ? "-"
              : String.format("%.1f", service.path("selfTimeMs").path("p99").asDouble()));
      out.println("\nupstream:");
      edgeTable(out, doc.path("upstream"));
      out.println("\ndownstream:");
      edgeTable(out, doc.path("downstream"));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "paths",
      mixinStandardHelpOptions = true,
      description = "Call paths between two nodes, hop by hop.")
  static final class Paths implements Callable<Integer> {
    @CommandLine.Mixin Common common;

    @Option(
        names = "--from",
        required = true,
        description = "Start node (a service name, or type:name).")
    String from;

    @Option(names = "--to", required = true, description = "End node.")
    String to;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode doc =
          common.get(
              common.query(
                  "/api/v1/paths",
                  "from",
                  from,
                  "to",
                  to,
                  "at",
                  common.at,
                  "window",
                  common.window),
              spec.commandLine().getErr());
      if (common.json) {
        printJson(out, doc);
        return 0;
      }
      int i = 1;
      for (JsonNode path : doc.path("paths")) {
        out.printf(
            "path %d: %s%n",
            i++,
            String.join(
                " -> ", new ObjectMapper().convertValue(path.path("nodes"), String[].class)));
        edgeTable(out, path.path("hops"));
        out.println();
      }
      if (i == 1) {
        out.println("no path from " + from + " to " + to);
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "trace",
      mixinStandardHelpOptions = true,
      description = "One trace: its call tree, self times and critical path.")
  static final class Trace implements Callable<Integer> {
    @CommandLine.Mixin Common common;

    @Parameters(paramLabel = "TRACE_ID", description = "32 hex characters.")
    String traceId;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode doc =
          common.get(common.query("/api/v1/traces/" + traceId), spec.commandLine().getErr());
      if (common.json) {
        printJson(out, doc);
        return 0;
      }
      out.printf(
          "trace %s: %.1f ms, %d spans, %s%n",
          traceId,
          doc.path("durationMs").asDouble(),
          doc.path("spanCount").asInt(),
          doc.path("complete").asBoolean() ? "complete" : "still assembling");
      out.printf("%-60s %10s %10s %10s%n", "SPAN", "DURATION", "SELF", "CRITICAL");
      for (JsonNode span : doc.path("spans")) {
        String label =
            "  ".repeat(span.path("depth").asInt())
                + span.path("service").asText()
                + " "
                + span.path("name").asText()
                + (span.path("status").asText().equals("error") ? " !" : "");
        out.printf(
            "%-60s %9.1fms %9.1fms %9.1fms%n",
            label.length() > 60 ? label.substring(0, 59) + "…" : label,
            span.path("durationMs").asDouble(),
            span.path("selfTimeMs").asDouble(),
            span.path("criticalPathMs").asDouble());
      }
      out.flush();
      return 0;
    }
  }
}
