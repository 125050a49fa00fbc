package dev.faultline.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The wire reader must give exactly what the object path gives ({@code parseFrom} then {@link
 * SpanNormalizer}) for any input, and refuse exactly what {@code parseFrom} refuses. Checked on
 * seeded random requests, rewritten on the wire and then corrupted.
 */
class ProtobufSpanReaderEquivalenceTest {
  private static final int CASES = 4_000;

  private final Random random = new Random(20_261_127L);
  private final List<Paths> paths = new ArrayList<>();

  ProtobufSpanReaderEquivalenceTest() {
    // A few settings, each with long-lived instances, so caches carry over between requests.
    RandomRequests settings = new RandomRequests(random);
    paths.add(new Paths(NormalizerSettings.defaults()));
    for (int i = 0; i < 7; i++) {
      paths.add(new Paths(settings.settings()));
    }
  }

  @Test
  void givesTheSameResultAsTheObjectPathForRandomRequests() {
    int compared = 0;
    for (int i = 0; i < CASES; i++) {
      RandomRequests requests = new RandomRequests(random);
      byte[] bytes = requests.request().toByteArray();
      if (i % 4 != 0) {
        bytes = new WireMutator(random, 0.05 + random.nextDouble() * 0.3).mutate(bytes);
      }
      if (assertSameOutcome(bytes, requests.recordTimestamp(), "case " + i)) {
        compared++;
      }
    }
    // Mutations may make a request invalid (a known field number with random bytes), but most
    // must stay valid, or this would only compare failures.
    assertThat(compared).isGreaterThan(CASES * 3 / 4);
  }

  @Test
  void refusesExactlyWhatParseFromRefusesForCorruptBytes() {
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      RandomRequests requests = new RandomRequests(random);
      byte[] bytes = requests.request().toByteArray();
      if (random.nextBoolean()) {
        bytes = new WireMutator(random, 0.2).mutate(bytes);
      }
      if (!assertSameOutcome(corrupt(bytes), requests.recordTimestamp(), "corrupt case " + i)) {
        refused++;
      }
    }
    assertThat(refused).isBetween(CASES / 4, CASES - CASES / 10);
  }

  /** Whether both paths accepted the bytes; asserts they agree either way. */
  private boolean assertSameOutcome(byte[] bytes, long recordTimestamp, String description) {
    Paths path = paths.get(random.nextInt(paths.size()));
    Normalized expected;
    try {
      expected =
          path.normalizer.normalize(ExportTraceServiceRequest.parseFrom(bytes), recordTimestamp);
    } catch (InvalidProtocolBufferException e) {
      expected = null;
    }
    Normalized actual;
    try {
      actual = path.reader.read(bytes, recordTimestamp);
    } catch (OtlpDecodeException e) {
      actual = null;
    }
    String context = description + " of " + Arrays.toString(bytes);
    if (expected == null) {
      assertThat(actual).as("refused by parseFrom: " + context).isNull();
      return false;
    }
    assertThat(actual).as(context).isEqualTo(expected);
    return true;
  }

  private byte[] corrupt(byte[] bytes) {
    switch (random.nextInt(6)) {
      case 0 -> {
        return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
      }
      case 1 -> {
        byte[] out = bytes.clone();
        for (int i = 0, flips = 1 + random.nextInt(3); i < flips && out.length > 0; i++) {
          out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
      }
      case 2 -> {
        byte[] out = bytes.clone();
        if (out.length > 0) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
      }
      case 3 -> {
        int at = random.nextInt(bytes.length + 1);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = (byte) random.nextInt(256);
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        return out;
      }
      case 4 -> {
        byte[] out = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(8));
        for (int i = bytes.length; i < out.length; i++) {
          out[i] = (byte) random.nextInt(256);
        }
        return out;
      }
      default -> {
        byte[] out = new byte[random.nextInt(64)];
        random.nextBytes(out);
        return out;
      }
    }
  }

  /** Both paths under one set of settings. */
  private static final class Paths {
    final SpanNormalizer normalizer;
    final ProtobufSpanReader reader;

    Paths(NormalizerSettings settings) {
      this.normalizer = new SpanNormalizer(settings);
      this.reader = new ProtobufSpanReader(settings);
    }
  }
}
