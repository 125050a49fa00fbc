package dev.faultline.analyzer.testing;

import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.file.OtlpJsonLinesReader;
import dev.faultline.ingest.normalize.SpanNormalizer;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** The shared Nezha OnlineBoutique recordings (../shared/data), for tests that read real traces. */
public final class NezhaData {
  private NezhaData() {}

  /** The cases folder; the test is skipped, with the reason, when the data is not there. */
  public static Path cases() {
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/nezha-onlineboutique/cases");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    Assumptions.abort(
        "the Nezha data set (../shared/data/nezha-onlineboutique) is not on this machine");
    throw new IllegalStateException();
  }

  /** Every span of a case, grouped by trace, in file order. */
  public static Map<com.google.protobuf.ByteString, List<Span>> traces(String caseFile)
      throws IOException {
    SpanNormalizer normalizer = new SpanNormalizer(NormalizerSettings.defaults());
    Map<com.google.protobuf.ByteString, List<Span>> traces = new LinkedHashMap<>();
    try (OtlpJsonLinesReader reader =
        new OtlpJsonLinesReader(
            cases().resolve(caseFile),
            (file, line, error) -> {
              throw new IllegalStateException(file + ":" + line + ": " + error.getMessage());
            })) {
      for (ExportTraceServiceRequest request = reader.next();
          request != null;
          request = reader.next()) {
        for (SpanBatch batch : normalizer.normalize(request, 0).batches()) {
          traces
              .computeIfAbsent(batch.getTraceId(), id -> new ArrayList<>())
              .addAll(batch.getSpansList());
        }
      }
    }
    return traces;
  }
}
