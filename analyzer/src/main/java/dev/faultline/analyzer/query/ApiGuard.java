package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.faultline.ingest.internal.BearerTokens;
import dev.faultline.ingest.internal.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.types.Password;

/**
 * What the API checks before it routes a request: the size of the request, the client's rate, the
 * bearer token, and the browser origins allowed to call it (CORS, off unless origins are given).
 */
public final class ApiGuard {
  /** Paths answered without a token: probes and the web page's static files (they hold no data). */
  static final Pattern PUBLIC = Pattern.compile("/health|/|/index\\.html|/assets/[^/]*");

  private static final long DRAIN_LIMIT_BYTES = 1024 * 1024;

  private final Options options;
  private final RateLimiter limiter;

  /**
   * The API's protections.
   *
   * @param token the bearer token requests must carry, or null for none
   * @param tls the TLS context to serve HTTPS with, or null for plain HTTP
   * @param corsOrigins origins allowed to call from a browser ({@code *} for any); empty for none
   * @param rateLimit requests a second per client address, 0 for no limit
   * @param maxRequestBytes longest request target and largest body accepted
   */
  public record Options(
      Password token,
      SSLContext tls,
      List<String> corsOrigins,
      double rateLimit,
      int maxRequestBytes) {
    public Options {
      corsOrigins = List.copyOf(requireNonNull(corsOrigins, "corsOrigins"));
      if (maxRequestBytes < 1) {
        throw new IllegalArgumentException("maxRequestBytes must be positive");
      }
    }

    /** No token, plain HTTP, no CORS, no rate limit, 16 KiB requests. */
    public static Options open() {
      return new Options(null, null, List.of(), 0, 16_384);
    }

    public boolean tokenRequired() {
      return BearerTokens.required(token);
    }

    public Options withToken(Password token) {
      return new Options(token, tls, corsOrigins, rateLimit, maxRequestBytes);
    }

    public Options withCorsOrigins(List<String> origins) {
      return new Options(token, tls, origins, rateLimit, maxRequestBytes);
    }

    public Options withRateLimit(double perSecond) {
      return new Options(token, tls, corsOrigins, perSecond, maxRequestBytes);
    }

    public Options withTls(SSLContext context) {
      return new Options(token, context, corsOrigins, rateLimit, maxRequestBytes);
    }

    public Options withMaxRequestBytes(int bytes) {
      return new Options(token, tls, corsOrigins, rateLimit, bytes);
    }
  }

  ApiGuard(Options options) {
    this.options = requireNonNull(options, "options");
    this.limiter = RateLimiter.perClient(options.rateLimit());
  }

  /** The refusal of {@code exchange}, or null when it may be routed. */
  Response check(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestURI().toString();
    if (target.length() > options.maxRequestBytes()) {
      return Response.error(414, "request target longer than " + options.maxRequestBytes());
    }
    long length = contentLength(exchange.getRequestHeaders().getFirst("Content-Length"));
    boolean chunked = length < 0 && exchange.getRequestHeaders().containsKey("Transfer-Encoding");
    if (length > options.maxRequestBytes()
        || (chunked && drain(exchange.getRequestBody()) > options.maxRequestBytes())) {
      drain(exchange.getRequestBody());
      return Response.error(413, "request body larger than " + options.maxRequestBytes());
    }
    long wait = limiter.acquire(exchange.getRemoteAddress().getAddress().getHostAddress());
    if (wait > 0) {
      return Response.error(429, "too many requests; retry in " + wait + " s")
          .withHeader("Retry-After", Long.toString(wait));
    }
    if (exchange.getRequestMethod().equals("OPTIONS") && allowedOrigin(exchange) != null) {
      return new Response(
          204,
          "text/plain",
          new byte[0],
          java.util.Map.of(
              "Access-Control-Allow-Methods", "GET, HEAD",
              "Access-Control-Allow-Headers", "Authorization",
              "Access-Control-Max-Age", "600"));
    }
    if (options.tokenRequired()
        && !PUBLIC.matcher(exchange.getRequestURI().getRawPath()).matches()) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (!BearerTokens.matchesBearer(authorization, options.token())) {
        String challenge =
            authorization == null
                ? "Bearer realm=\"faultline\""
                : "Bearer realm=\"faultline\", error=\"invalid_token\"";
        return Response.error(401, "a bearer token is required (Authorization: Bearer <token>)")
            .withHeader("WWW-Authenticate", challenge);
      }
    }
    return null;
  }

  /** Adds the CORS headers to a response when the request's origin is allowed. */
  void allowOrigin(HttpExchange exchange, Headers response) {
    String origin = allowedOrigin(exchange);
    if (origin != null) {
      response.set("Access-Control-Allow-Origin", origin);
      response.set("Access-Control-Expose-Headers", "Retry-After, WWW-Authenticate");
      response.add("Vary", "Origin");
    }
  }

  /** The value of Access-Control-Allow-Origin for this request, or null when not allowed. */
  private String allowedOrigin(HttpExchange exchange) {
    if (options.corsOrigins().isEmpty()) {
      return null;
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null) {
      return null;
    }
    if (options.corsOrigins().contains("*")) {
      return "*";
    }
    return options.corsOrigins().contains(origin) ? origin : null;
  }

  private static long contentLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Reads and drops up to a bound of the body (an unread body resets the connection). */
  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long total = 0;
    for (int n; total < DRAIN_LIMIT_BYTES && (n = in.read(buffer)) > 0; ) {
      total += n;
    }
    return total;
  }
}
