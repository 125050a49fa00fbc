package dev.faultline.analyzer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.testing.Otlp;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.serde.Serdes;
import dev.faultline.schemas.span.SpanRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredBatchesTest {
  private final StoredBatches stored = new StoredBatches(NormalizerSettings.defaults());

  @Test
  void aSerializedBatchIsReadAsABatch() {
    List<Span> spans = SpanFixtures.cartRequest(3, 100);
    SpanBatch batch =
        SpanBatch.newBuilder().setTraceId(SpanFixtures.traceId(3)).addAllSpans(spans).build();
    byte[] bytes = Serdes.spanBatch().serializer().serialize("t", batch);

    assertThat(StoredBatches.storableAsSource(bytes)).isFalse();
    assertThat(stored.spans(SpanFixtures.traceId(3), bytes)).isEqualTo(SpanRecord.of(spans));
  }

  @Test
  void aSourceRecordIsDecodedAgainWithoutItsTimestamp() throws Exception {
    byte[] record = Otlp.request(SpanFixtures.cartRequest(4, 100)).toByteArray();
    List<SpanRecord> decoded =
        new ProtobufSpanReader(NormalizerSettings.defaults())
            .read(record, SpanFixtures.T0 / 1_000_000L)
            .traces()
            .get(0)
            .spans();

    assertThat(StoredBatches.storableAsSource(record)).isTrue();
    assertThat(stored.spans(SpanFixtures.traceId(4), record)).isEqualTo(decoded);
    assertThat(stored.spans(SpanFixtures.traceId(5), record)).isEmpty();
  }

  /** A request whose first resource spans is 16 bytes long starts as a serialized batch does. */
  @Test
  void aRecordThatStartsLikeASerializedBatchIsNotStoredAsItCame() {
    byte[] record = {0x0a, 0x10, 0x0a, 0x0e};
    assertThat(StoredBatches.storableAsSource(record)).isFalse();
  }
}
