package dev.faultline.forward;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * What the forwarder reads and where it delivers.
 *
 * @param kind webhook or Alertmanager
 * @param url the endpoint POSTed to (for Alertmanager, {@code .../api/v2/alerts})
 * @param headers extra request headers, e.g. {@code Authorization}
 * @param topic the alerts topic
 * @param groupId the consumer group: forwarders with the same group share the work and resume where
 *     the group's committed offsets are
 * @param timeout how long one POST may take
 * @param initialBackoff the wait after a first failed attempt; doubled per failure
 * @param maxBackoff the longest wait between attempts
 * @param resendInterval how often open incidents are sent to Alertmanager again
 * @param generatorUrl the Faultline web page linked from Alertmanager alerts, or null
 */
public record ForwarderSettings(
    TargetKind kind,
    URI url,
    Map<String, String> headers,
    String topic,
    String groupId,
    Duration timeout,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration resendInterval,
    String generatorUrl) {
  public ForwarderSettings {
    requireNonNull(kind, "kind");
    requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    requireNonNull(topic, "topic");
    requireNonNull(groupId, "groupId");
    positive(timeout, "timeout");
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    positive(resendInterval, "resendInterval");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must not be shorter than initialBackoff");
    }
  }

  /** How long an open incident's alert stays firing in Alertmanager without being sent again. */
  public Duration alertValidity() {
    return resendInterval.multipliedBy(4);
  }

  /**
   * The endpoint for a URL as a user gives it: for Alertmanager, a bare address ({@code
   * http://alertmanager:9093}) gets {@code /api/v2/alerts}.
   */
  public static URI endpoint(TargetKind kind, String url) {
    URI uri = URI.create(url.trim());
    if (kind == TargetKind.ALERTMANAGER) {
      String path = uri.getPath();
      if (path == null || path.isEmpty() || path.equals("/")) {
        return uri.resolve("/api/v2/alerts");
      }
    }
    return uri;
  }

  private static void positive(Duration value, String name) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }
}
