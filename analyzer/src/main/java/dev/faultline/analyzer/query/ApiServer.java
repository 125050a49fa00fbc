package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of the API and the web page: routes GET requests to handlers, turns {@link
 * ApiException}s into JSON errors, and never lets a failure of one request reach another.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Route> routes;
  private final List<StreamRoute> streams;
  private final ApiGuard guard;

  /** A route that streams its answer (server-sent events) instead of returning it whole. */
  public record StreamRoute(Pattern pattern, Consumer<HttpExchange> handler) {
    public StreamRoute {
      requireNonNull(pattern, "pattern");
      requireNonNull(handler, "handler");
    }

    public static StreamRoute of(String regex, Consumer<HttpExchange> handler) {
      return new StreamRoute(Pattern.compile(regex), handler);
    }
  }

  /** A GET route: a path pattern and what answers it (groups of the pattern as arguments). */
  public record Route(Pattern pattern, BiFunction<List<String>, Params, Response> handler) {
    public Route {
      requireNonNull(pattern, "pattern");
      requireNonNull(handler, "handler");
    }

    public static Route of(String regex, BiFunction<List<String>, Params, Response> handler) {
      return new Route(Pattern.compile(regex), handler);
    }
  }

  private ApiServer(
      HttpServer server,
      ExecutorService executor,
      List<Route> routes,
      List<StreamRoute> streams,
      ApiGuard guard) {
    this.server = server;
    this.guard = guard;
    this.executor = executor;
    this.routes = List.copyOf(routes);
    this.streams = List.copyOf(streams);
  }

  /** Starts serving {@code routes} on host:port (port 0 picks a free one). */
  public static ApiServer start(String host, int port, List<Route> routes) throws IOException {
    return start(host, port, routes, List.of());
  }

  /** Starts serving {@code routes} and the streaming {@code streams} on host:port. */
  public static ApiServer start(
      String host, int port, List<Route> routes, List<StreamRoute> streams) throws IOException {
    return start(host, port, routes, streams, ApiGuard.Options.open());
  }

  /**
   * Starts serving {@code routes} and {@code streams} on host:port, over HTTPS when {@code options}
   * has a TLS context, with its token, CORS origins and limits.
   */
  public static ApiServer start(
      String host,
      int port,
      List<Route> routes,
      List<StreamRoute> streams,
      ApiGuard.Options options)
      throws IOException {
    requireNonNull(options, "options");
    InetSocketAddress address = new InetSocketAddress(host, port);
    HttpServer server;
    if (options.tls() != null) {
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(options.tls()));
      server = https;
    } else {
      server = HttpServer.create(address, 64);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            16,
            runnable -> {
              Thread thread = new Thread(runnable, "faultline-api-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    ApiServer api = new ApiServer(server, executor, routes, streams, new ApiGuard(options));
    server.createContext("/", api::handle);
    server.start();
    LOG.info(
        "API listening on {} ({}{})",
        server.getAddress(),
        options.tls() != null ? "https" : "http",
        options.tokenRequired() ? ", bearer token required" : "");
    return api;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Response refused = guard.check(exchange);
    if (refused != null) {
      send(exchange, refused);
      return;
    }
    if (exchange.getRequestMethod().equals("GET")) {
      for (StreamRoute route : streams) {
        if (route.pattern().matcher(exchange.getRequestURI().getRawPath()).matches()) {
          guard.allowOrigin(exchange, exchange.getResponseHeaders());
          route.handler().accept(exchange);
          return;
        }
      }
    }
    Response response;
    try {
      response = route(exchange);
    } catch (ApiException e) {
      response = Response.error(e.status(), e.getMessage());
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      response =
          Response.error(503, "state is being restored or rebalanced; retry shortly")
              .withHeader("Retry-After", "1");
    } catch (RuntimeException e) {
      LOG.warn("API request {} failed", exchange.getRequestURI().getPath(), e);
      response = Response.error(500, "internal error: " + e.getClass().getSimpleName());
    }
    send(exchange, response);
  }

  private void send(HttpExchange exchange, Response response) {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      for (Map.Entry<String, String> header : response.headers().entrySet()) {
        exchange.getResponseHeaders().set(header.getKey(), header.getValue());
      }
      guard.allowOrigin(exchange, exchange.getResponseHeaders());
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(
          response.status(), head || response.body().length == 0 ? -1 : response.body().length);
      if (!head && response.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body());
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away", e);
    }
  }

  private Response route(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return Response.error(405, "only GET is served here").withHeader("Allow", "GET, HEAD");
    }
    String path = exchange.getRequestURI().getRawPath();
    for (Route route : routes) {
      Matcher matcher = route.pattern().matcher(path);
      if (matcher.matches()) {
        List<String> groups = new ArrayList<>();
        for (int i = 1; i <= matcher.groupCount(); i++) {
          groups.add(
              java.net.URLDecoder.decode(
                  matcher.group(i), java.nio.charset.StandardCharsets.UTF_8));
        }
        return route.handler().apply(groups, new Params(exchange.getRequestURI()));
      }
    }
    return Response.error(404, "no such endpoint; see /api/v1");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
