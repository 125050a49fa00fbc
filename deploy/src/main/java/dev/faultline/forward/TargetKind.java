package dev.faultline.forward;

import java.util.Locale;

/** Where the forwarder delivers incidents. */
public enum TargetKind {
  /** Any HTTP endpoint: each incident state is POSTed as it is on the alerts topic. */
  WEBHOOK,
  /** Alertmanager's {@code POST /api/v2/alerts}: incidents become alerts. */
  ALERTMANAGER;

  /** Parses {@code webhook} or {@code alertmanager}, whatever the case. */
  public static TargetKind parse(String text) {
    for (TargetKind kind : values()) {
      if (kind.name().equalsIgnoreCase(text.trim())) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "target must be 'webhook' or 'alertmanager', not '" + text + "'");
  }

  /** The name in metrics and logs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
