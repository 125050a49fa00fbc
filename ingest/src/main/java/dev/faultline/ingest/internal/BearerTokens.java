package dev.faultline.ingest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.apache.kafka.common.config.types.Password;

/**
 * Checks presented credentials against a configured token in constant time, so the time of a
 * refusal says nothing about how much of the token was right. The token is held as a Kafka {@link
 * Password}, whose {@code toString} is {@code [hidden]}, so it cannot reach a log by accident.
 */
public final class BearerTokens {
  private BearerTokens() {}

  /** Whether a token is configured at all (null or blank means no authentication). */
  public static boolean required(Password token) {
    return token != null && token.value() != null && !token.value().isBlank();
  }

  /** Whether an {@code Authorization} header value is {@code Bearer <token>}. */
  public static boolean matchesBearer(String authorization, Password token) {
    if (authorization == null) {
      return false;
    }
    String value = authorization.trim();
    if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return false;
    }
    return matches(value.substring(7).trim(), token);
  }

  /** Whether {@code presented} is the token. */
  public static boolean matches(String presented, Password token) {
    if (presented == null || !required(token)) {
      return false;
    }
    return MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), token.value().getBytes(StandardCharsets.UTF_8));
  }
}
