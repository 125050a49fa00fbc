package dev.faultline.ingest.file;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpJsonDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an OTLP JSON lines file, one request per line; gzip is detected from the content, not the
 * name. A line that does not decode is reported with its number and skipped, never fatal.
 */
public final class OtlpJsonLinesReader implements Closeable {
  private final Path path;
  private final BufferedReader reader;
  private final OtlpJsonDecoder decoder = new OtlpJsonDecoder();
  private long lineNumber;
  private long badLines;

  /** A line that could not be decoded. */
  public interface BadLineHandler {
    void badLine(Path file, long lineNumber, OtlpDecodeException error);
  }

  private final BadLineHandler onBadLine;

  public OtlpJsonLinesReader(Path path, BadLineHandler onBadLine) throws IOException {
    this.path = requireNonNull(path, "path");
    this.onBadLine = requireNonNull(onBadLine, "onBadLine");
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    if (first == 0x1f && second == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /** The next request, or {@code null} at the end of the file. */
  public ExportTraceServiceRequest next() throws IOException {
    Line line = nextLine();
    return line == null ? null : line.request();
  }

  /** The next line with its decoded request, or {@code null} at the end of the file. */
  public Line nextLine() throws IOException {
    String text;
    while ((text = reader.readLine()) != null) {
      lineNumber++;
      if (text.isBlank()) {
        continue;
      }
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      try {
        return new Line(bytes, decoder.decode(bytes), lineNumber);
      } catch (OtlpDecodeException e) {
        badLines++;
        onBadLine.badLine(path, lineNumber, e);
      }
    }
    return null;
  }

  /**
   * One line of the file.
   *
   * @param bytes the line as it is in the file (UTF-8, no newline)
   * @param request the decoded request
   * @param number the line number, from 1
   */
  public record Line(byte[] bytes, ExportTraceServiceRequest request, long number) {}

  /** Lines read so far. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Lines that did not decode. */
  public long badLines() {
    return badLines;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
