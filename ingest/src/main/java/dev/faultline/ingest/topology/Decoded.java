package dev.faultline.ingest.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.proto.SpanBatch;

/** What the decode step emits for one input record: span batches and dead letters. */
sealed interface Decoded {

  /** The spans of one trace from one input record. */
  record Batch(SpanBatch batch) implements Decoded {
    public Batch {
      requireNonNull(batch, "batch");
    }
  }

  /** A record for the dead-letter topic; its headers name the error. */
  record DeadLetter(byte[] value) implements Decoded {
    public DeadLetter {
      requireNonNull(value, "value");
    }
  }
}
