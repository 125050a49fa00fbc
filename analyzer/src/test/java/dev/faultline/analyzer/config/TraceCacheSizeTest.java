package dev.faultline.analyzer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceCacheSizeTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void byDefaultOneTracePerMibOfHeapBetween100And2000() {
    assertThat(AnalyzerConfig.autoTraceCache(512 * MIB)).isEqualTo(512);
    assertThat(AnalyzerConfig.autoTraceCache(6144 * MIB)).isEqualTo(2_000);
    assertThat(AnalyzerConfig.autoTraceCache(64 * MIB)).isEqualTo(100);
    assertThat(new AnalyzerConfig(Map.of()).traceCacheTraces())
        .isEqualTo(AnalyzerConfig.autoTraceCache(Runtime.getRuntime().maxMemory()));
  }

  @Test
  void aSetSizeIsKept() {
    assertThat(
            new AnalyzerConfig(Map.of(AnalyzerConfig.TRACE_CACHE_TRACES, "0")).traceCacheTraces())
        .isZero();
    assertThat(
            new AnalyzerConfig(Map.of(AnalyzerConfig.TRACE_CACHE_TRACES, "7000"))
                .traceCacheTraces())
        .isEqualTo(7_000);
  }
}
