package dev.faultline.analyzer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamsSettingsTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void buffersAreA32ndOfTheHeapBetween4And64MiB() {
    assertThat(StreamsSettings.bufferBytes(6144 * MIB)).isEqualTo(64 * MIB);
    assertThat(StreamsSettings.bufferBytes(2048 * MIB)).isEqualTo(64 * MIB);
    assertThat(StreamsSettings.bufferBytes(512 * MIB)).isEqualTo(16 * MIB);
    assertThat(StreamsSettings.bufferBytes(64 * MIB)).isEqualTo(4 * MIB);
  }
}
