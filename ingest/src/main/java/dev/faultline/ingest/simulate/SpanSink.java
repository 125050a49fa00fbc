package dev.faultline.ingest.simulate;

import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Where the simulator's export requests go: a file, a Kafka topic, an OTLP endpoint. */
public interface SpanSink extends Consumer<ExportTraceServiceRequest>, AutoCloseable {
  @Override
  void close() throws IOException;

  /**
   * OTLP JSON lines, one request per line, as the collector's file exporter writes; gzip for .gz.
   */
  static SpanSink jsonLines(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    OutputStream raw = Files.newOutputStream(file);
    OutputStream out =
        new BufferedOutputStream(
            file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16);
    OtlpJsonEncoder encoder = new OtlpJsonEncoder();
    return new SpanSink() {
      @Override
      public void accept(ExportTraceServiceRequest request) {
        try {
          out.write(encoder.encode(request));
          out.write('\n');
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + file, e);
        }
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  /**
   * {@code otlp_proto} records on {@code topic}, unkeyed, as the collector's kafkaexporter writes
   * them by default. The producer stays open; its owner closes it.
   */
  static SpanSink kafka(Producer<byte[], byte[]> producer, String topic) {
    return new SpanSink() {
      @Override
      public void accept(ExportTraceServiceRequest request) {
        producer.send(new ProducerRecord<>(topic, null, request.toByteArray()));
      }

      @Override
      public void close() {
        producer.flush();
      }
    };
  }

  /**
   * OTLP/HTTP protobuf to {@code endpoint} (for example {@code http://localhost:4318/v1/traces}),
   * retrying 429/502/503/504 with backoff as an OTLP exporter does.
   */
  static SpanSink otlpHttp(URI endpoint) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return new SpanSink() {
      @Override
      public void accept(ExportTraceServiceRequest request) {
        HttpRequest post =
            HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                .build();
        long backoff = 100;
        for (int attempt = 0; ; attempt++) {
          int status;
          try {
            status =
                client
                    .sendAsync(post, HttpResponse.BodyHandlers.discarding())
                    .get(15, TimeUnit.SECONDS)
                    .statusCode();
          } catch (ExecutionException | TimeoutException e) {
            status = -1;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while exporting to " + endpoint, e);
          }
          if (status >= 200 && status < 300) {
            return;
          }
          boolean retryable = status == -1 || status == 429 || status >= 502 && status <= 504;
          if (!retryable || attempt == 5) {
            throw new IllegalStateException(
                "OTLP endpoint " + endpoint + " refused an export: status " + status);
          }
          try {
            Thread.sleep(backoff);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while exporting to " + endpoint, e);
          }
          backoff *= 2;
        }
      }

      @Override
      public void close() {}
    };
  }
}
