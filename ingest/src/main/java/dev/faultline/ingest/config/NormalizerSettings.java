package dev.faultline.ingest.config;

import java.util.List;

/**
 * Limits that decide which spans are absurd and which attributes are kept.
 *
 * @param extraAttributes attribute keys kept beyond the built-in set; a trailing '*' is a prefix
 * @param maxAttributeLength longest kept attribute value, in characters
 * @param maxNameLength longest service or operation name, in characters
 * @param maxSpanAgeMs oldest accepted span start, relative to the record timestamp
 * @param maxFutureSkewMs latest accepted span end, relative to the record timestamp
 * @param maxSpanDurationMs longest accepted span
 */
public record NormalizerSettings(
    List<String> extraAttributes,
    int maxAttributeLength,
    int maxNameLength,
    long maxSpanAgeMs,
    long maxFutureSkewMs,
    long maxSpanDurationMs) {

  public NormalizerSettings {
    extraAttributes = List.copyOf(extraAttributes);
    if (maxAttributeLength < 1 || maxNameLength < 1) {
      throw new IllegalArgumentException("length limits must be positive");
    }
    if (maxSpanAgeMs < 1 || maxFutureSkewMs < 0 || maxSpanDurationMs < 1) {
      throw new IllegalArgumentException("time limits must be positive");
    }
  }

  /** The defaults of {@link IngestConfig}. */
  public static NormalizerSettings defaults() {
    return new IngestConfig(java.util.Map.of()).normalizer();
  }
}
