package dev.faultline.forward;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** One HTTP endpoint incidents are POSTed to, and how its answers are judged. */
public final class HttpTarget {
  /**
   * Statuses that say this body will never be accepted, however often it is sent: the record is
   * skipped (and counted) rather than blocking every later incident. Everything else that is not
   * 2xx (5xx, 408, 429, 401, 403, 404, connection errors) may heal: it is retried.
   */
  private static final Set<Integer> PERMANENT = Set.of(400, 413, 415, 422);

  private final URI uri;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * @param uri where to POST
   * @param headers extra request headers (e.g. Authorization)
   * @param timeout how long one attempt may take
   */
  public HttpTarget(URI uri, Map<String, String> headers, Duration timeout) {
    this.uri = requireNonNull(uri, "uri");
    this.headers = Map.copyOf(headers);
    this.timeout = requireNonNull(timeout, "timeout");
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException("target URL must be http:// or https://, not " + uri);
    }
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI uri() {
    return uri;
  }

  /** What became of one POST. */
  public record Result(Outcome outcome, String detail) {}

  /** Accepted, refused for good, or worth another attempt. */
  public enum Outcome {
    ACCEPTED,
    REJECTED,
    RETRY
  }

  /** POSTs {@code body} once; never throws for what the endpoint or the network does. */
  public Result post(byte[] body, String contentType, Map<String, String> extraHeaders)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", contentType)
            .header("User-Agent", "faultline-forward")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    extraHeaders.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Result(Outcome.RETRY, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    int status = response.statusCode();
    String detail = "HTTP " + status + answer(response.body());
    if (status >= 200 && status < 300) {
      return new Result(Outcome.ACCEPTED, detail);
    }
    return new Result(PERMANENT.contains(status) ? Outcome.REJECTED : Outcome.RETRY, detail);
  }

  private static String answer(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String line = body.strip().replaceAll("\\s+", " ");
    return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }
}
