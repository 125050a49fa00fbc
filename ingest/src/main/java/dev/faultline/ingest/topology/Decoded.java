package dev.faultline.ingest.topology;

import static java.util.Objects.requireNonNull;

/** What the decode step emits for one input record: span batches and dead letters. */
sealed interface Decoded permits TraceBatch, Decoded.DeadLetter {

  /** A record for the dead-letter topic; its headers name the error. */
  record DeadLetter(byte[] value) implements Decoded {
    public DeadLetter {
      requireNonNull(value, "value");
    }
  }
}
