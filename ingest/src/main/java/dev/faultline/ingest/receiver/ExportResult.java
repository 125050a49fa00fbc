package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

/** The outcome of one export request, before it is put into HTTP or gRPC terms. */
sealed interface ExportResult {
  /** Metric tag of the outcome. */
  String outcome();

  /** Written and acknowledged by Kafka. */
  record Accepted(int spans) implements ExportResult {
    @Override
    public String outcome() {
      return "accepted";
    }
  }

  /** The request itself is wrong; retrying it cannot help. */
  record Invalid(String reason) implements ExportResult {
    public Invalid {
      requireNonNull(reason, "reason");
    }

    @Override
    public String outcome() {
      return "invalid";
    }
  }

  /** The body is larger than the limit. */
  record TooLarge(String reason) implements ExportResult {
    public TooLarge {
      requireNonNull(reason, "reason");
    }

    @Override
    public String outcome() {
      return "too_large";
    }
  }

  /** Kafka did not take the request in time; the client should retry later. */
  record Unavailable(String reason) implements ExportResult {
    public Unavailable {
      requireNonNull(reason, "reason");
    }

    @Override
    public String outcome() {
      return "unavailable";
    }
  }

  /** The request lacks the configured token. */
  record Unauthenticated(String reason) implements ExportResult {
    public Unauthenticated {
      requireNonNull(reason, "reason");
    }

    @Override
    public String outcome() {
      return "unauthenticated";
    }
  }

  /** The client sent more requests than its rate limit allows. */
  record RateLimited(long retryAfterSeconds) implements ExportResult {
    @Override
    public String outcome() {
      return "rate_limited";
    }
  }
}
