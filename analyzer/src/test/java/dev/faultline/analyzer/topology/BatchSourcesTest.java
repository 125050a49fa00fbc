package dev.faultline.analyzer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.schemas.proto.TraceMeta;
import org.junit.jupiter.api.Test;

/** The references of a trace's batches in its bookkeeping. */
class BatchSourcesTest {

  private static TraceMeta meta(BatchSources sources, int batches) {
    return sources.writeTo(TraceMeta.newBuilder().setBatches(batches)).build();
  }

  @Test
  void batchesByReferenceAndByValueMixAndSurviveTheBookkeeping() {
    BatchSources sources = new BatchSources();
    assertThat(sources.refer(1, new BatchRef("otlp_spans", 2, 40))).isTrue();
    assertThat(sources.refer(3, new BatchRef("otlp_spans", 2, 0))).isTrue();

    TraceMeta meta = meta(sources, 4);
    assertThat(BatchSources.refOf(meta, 0)).isNull();
    assertThat(BatchSources.refOf(meta, 1)).isEqualTo(new BatchRef("otlp_spans", 2, 40));
    assertThat(BatchSources.refOf(meta, 2)).isNull();
    assertThat(BatchSources.refOf(meta, 3)).isEqualTo(new BatchRef("otlp_spans", 2, 0));

    // Read back, then one more batch: the earlier references are kept.
    BatchSources again = BatchSources.of(meta);
    assertThat(again.refer(4, new BatchRef("otlp_spans", 2, 41))).isTrue();
    TraceMeta next = meta(again, 5);
    assertThat(BatchSources.refOf(next, 1)).isEqualTo(new BatchRef("otlp_spans", 2, 40));
    assertThat(BatchSources.refOf(next, 4)).isEqualTo(new BatchRef("otlp_spans", 2, 41));
  }

  @Test
  void aRecordOfAnotherPartitionOrTopicIsNotReferredTo() {
    BatchSources sources = new BatchSources();
    assertThat(sources.refer(0, new BatchRef("otlp_spans", 2, 7))).isTrue();
    assertThat(sources.refer(1, new BatchRef("otlp_spans", 1, 8))).isFalse();
    assertThat(sources.refer(2, new BatchRef("other", 2, 9))).isFalse();
    TraceMeta meta = meta(sources, 3);
    assertThat(BatchSources.refOf(meta, 1)).isNull();
    assertThat(BatchSources.refOf(meta, 2)).isNull();
  }

  @Test
  void aTraceStoredByValueOnlyCarriesNoReferences() {
    TraceMeta meta = meta(new BatchSources(), 2);
    assertThat(meta.getSourceTopic()).isEmpty();
    assertThat(meta.getSourceOffsetsCount()).isZero();
  }
}
