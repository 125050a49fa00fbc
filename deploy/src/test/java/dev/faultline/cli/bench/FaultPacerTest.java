package dev.faultline.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPacerTest {
  @Test
  void backgroundTrafficNeverPublishesToTheScenariosQueue() {
    SyntheticTraffic traffic = new SyntheticTraffic(1, 40, 100, 10_000, 0);
    List<String> queues =
        java.util.stream.Stream.generate(() -> FaultPacer.ownQueue(traffic.next()))
            .limit(50)
            .flatMap(r -> r.getResourceSpansList().stream())
            .flatMap(r -> r.getScopeSpansList().stream())
            .flatMap(s -> s.getSpansList().stream())
            .flatMap(s -> s.getAttributesList().stream())
            .filter(a -> a.getKey().equals("messaging.destination.name"))
            .map(KeyValue::getValue)
            .map(v -> v.getStringValue())
            .distinct()
            .toList();

    assertThat(queues).isNotEmpty().allMatch(q -> q.startsWith(FaultPacer.BACKGROUND_QUEUE_PREFIX));
  }
}
