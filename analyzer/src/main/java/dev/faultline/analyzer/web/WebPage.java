package dev.faultline.analyzer.web;

import dev.faultline.analyzer.query.ApiServer;
import dev.faultline.analyzer.query.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the bundled web page from the classpath: {@code /} (never cached, since it names the
 * current bundle) and {@code /assets/*} (content-hashed names, so cached for good).
 */
public final class WebPage {
  /** Where the build puts the page inside the classes. */
  static final String ROOT = "dev/faultline/analyzer/web/static/";

  private static final String NOT_BUILT =
      "<!doctype html><meta charset=utf-8><title>Faultline</title><p>The web page was not built"
          + " into this jar (built with -Dfaultline.web.skip=true, or without Node). The API is at"
          + " <a href=\"/api/v1\">/api/v1</a>.";

  // The page loads only its own files and talks only to this server.
  private static final String CSP =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "txt", "text/plain; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "woff2", "font/woff2");

  private final ClassLoader loader;
  private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

  private WebPage(ClassLoader loader) {
    this.loader = loader;
  }

  /** The routes of the page, to add to the API's. */
  public static List<ApiServer.Route> routes() {
    return new WebPage(WebPage.class.getClassLoader()).asRoutes();
  }

  List<ApiServer.Route> asRoutes() {
    return List.of(
        ApiServer.Route.of("/(?:index\\.html)?", (groups, params) -> index()),
        ApiServer.Route.of(
            "/assets/([A-Za-z0-9_-][A-Za-z0-9._-]*)", (groups, params) -> asset(groups.get(0))));
  }

  private Response index() {
    return load("index.html")
        .map(
            body ->
                new Response(
                    200,
                    TYPES.get("html"),
                    body,
                    Map.of("Cache-Control", "no-cache", "Content-Security-Policy", CSP)))
        .orElseGet(
            () ->
                new Response(
                    503,
                    TYPES.get("html"),
                    NOT_BUILT.getBytes(StandardCharsets.UTF_8),
                    Map.of("Cache-Control", "no-store")));
  }

  private Response asset(String name) {
    String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    Optional<byte[]> body = type == null ? Optional.empty() : load("assets/" + name);
    if (body.isEmpty()) {
      return new Response(
          404,
          "text/plain; charset=utf-8",
          "no such asset\n".getBytes(StandardCharsets.UTF_8),
          Map.of("Cache-Control", "no-store"));
    }
    return new Response(
        200, type, body.get(), Map.of("Cache-Control", "public, max-age=31536000, immutable"));
  }

  private Optional<byte[]> load(String path) {
    return cache.computeIfAbsent(
        path,
        p -> {
          try (InputStream in = loader.getResourceAsStream(ROOT + p)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + p, e);
          }
        });
  }
}
