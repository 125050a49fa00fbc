package dev.faultline.analyzer.query;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/** Query parameters of a request, parsed strictly: a bad value is a 400 that names it. */
public final class Params {
  private final Map<String, String> values = new HashMap<>();

  Params(URI uri) {
    String query = uri.getRawQuery();
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      values.put(key, value);
    }
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed query string");
    }
  }

  String get(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  String required(String name) {
    String value = get(name);
    if (value == null) {
      throw new ApiException(400, "missing parameter '" + name + "'");
    }
    return value;
  }

  /** An instant: ISO-8601 ({@code 2026-11-27T10:15:00Z}) or epoch milliseconds; null if absent. */
  Long instantMs(String name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      try {
        return Instant.parse(value).toEpochMilli();
      } catch (DateTimeParseException again) {
        throw new ApiException(
            400, "parameter '" + name + "' must be an ISO-8601 instant or epoch milliseconds");
      }
    }
  }

  /**
   * A duration: {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms} or seconds; default if absent.
   */
  long durationMs(String name, long defaultMs, long maxMs) {
    String value = get(name);
    if (value == null) {
      return defaultMs;
    }
    long ms;
    try {
      if (value.endsWith("ms")) {
        ms = Long.parseLong(value.substring(0, value.length() - 2));
      } else if (value.endsWith("s")) {
        ms = Long.parseLong(value.substring(0, value.length() - 1)) * 1_000;
      } else if (value.endsWith("m")) {
        ms = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1))).toMillis();
      } else if (value.endsWith("h")) {
        ms = Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1))).toMillis();
      } else {
        ms = Long.parseLong(value) * 1_000;
      }
    } catch (NumberFormatException e) {
      throw new ApiException(400, "parameter '" + name + "' must be a duration like 30s or 5m");
    }
    if (ms <= 0 || ms > maxMs) {
      throw new ApiException(
          400, "parameter '" + name + "' must be positive and at most " + maxMs / 1000 + "s");
    }
    return ms;
  }

  int integer(String name, int defaultValue, int min, int max) {
    String value = get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new ApiException(
            400, "parameter '" + name + "' must be between " + min + " and " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ApiException(400, "parameter '" + name + "' must be an integer");
    }
  }
}
