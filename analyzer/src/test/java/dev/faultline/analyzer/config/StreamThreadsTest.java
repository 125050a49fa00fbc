package dev.faultline.analyzer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code faultline.stream.threads}: one by default, 0 for one per processor. */
class StreamThreadsTest {
  @Test
  void oneByDefault() {
    assertThat(new AnalyzerConfig(Map.of()).streamThreads()).isEqualTo(1);
  }

  @Test
  void zeroIsOnePerProcessor() {
    assertThat(new AnalyzerConfig(Map.of(AnalyzerConfig.STREAM_THREADS, 0)).streamThreads())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void aSetCountIsKept() {
    assertThat(new AnalyzerConfig(Map.of(AnalyzerConfig.STREAM_THREADS, 1)).streamThreads())
        .isEqualTo(1);
    assertThat(new AnalyzerConfig(Map.of(AnalyzerConfig.STREAM_THREADS, "5")).streamThreads())
        .isEqualTo(5);
  }

  @Test
  void aNegativeCountIsRefused() {
    assertThatThrownBy(() -> new AnalyzerConfig(Map.of(AnalyzerConfig.STREAM_THREADS, -1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AnalyzerConfig.STREAM_THREADS);
  }
}
