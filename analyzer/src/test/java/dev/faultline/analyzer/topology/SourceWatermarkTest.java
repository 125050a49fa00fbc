package dev.faultline.analyzer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceWatermarkTest {
  private static final long IDLE_MS = 15_000;

  @Test
  void followsTheSlowestActiveSource() {
    SourceWatermark watermark = new SourceWatermark(IDLE_MS);
    watermark.observe(0, 50_000, 1_000);
    watermark.observe(1, 20_000, 1_000);
    watermark.observe(0, 60_000, 1_100);
    assertThat(watermark.advance(1_100, 60_000)).isEqualTo(20_000);
    watermark.observe(1, 30_000, 1_200);
    assertThat(watermark.advance(1_200, 60_000)).isEqualTo(30_000);
  }

  /** Like max.task.idle.ms: a source silent longer than the bound is no longer waited for. */
  @Test
  void aSourceSilentLongerThanTheIdleBoundIsNoLongerWaitedFor() {
    SourceWatermark watermark = new SourceWatermark(IDLE_MS);
    watermark.observe(0, 20_000, 1_000);
    watermark.observe(1, 50_000, 1_000);
    watermark.observe(1, 55_000, 15_000);
    assertThat(watermark.advance(15_000, 55_000)).isEqualTo(20_000);
    watermark.observe(1, 56_000, 16_001);
    assertThat(watermark.advance(16_001, 56_000)).isEqualTo(56_000);
  }

  @Test
  void neverGoesBackWhenASlowerSourceAppearsOrComesBack() {
    SourceWatermark watermark = new SourceWatermark(IDLE_MS);
    watermark.observe(0, 50_000, 1_000);
    assertThat(watermark.advance(1_000, 50_000)).isEqualTo(50_000);
    watermark.observe(1, 10_000, 1_001);
    assertThat(watermark.advance(1_001, 50_000)).isEqualTo(50_000);
  }

  /** A replay drains with records that carry no spans: only stream time moves then. */
  @Test
  void withEverySourceIdleItFollowsStreamTime() {
    SourceWatermark watermark = new SourceWatermark(IDLE_MS);
    assertThat(watermark.advance(0, -1)).as("nothing known").isEqualTo(Long.MIN_VALUE);
    watermark.observe(0, 20_000, 1_000);
    watermark.observe(1, 10_000, 1_000);
    assertThat(watermark.advance(20_000, 90_000)).isEqualTo(90_000);
  }

  @Test
  void theNextOwnerOfATaskWaitsForTheSourcesItsPreviousOwnerKnew() {
    SourceWatermark before = new SourceWatermark(IDLE_MS);
    before.observe(0, 50_000, 1_000);
    before.observe(1, 20_000, 1_000);
    before.advance(1_000, 50_000);

    SourceWatermark after = new SourceWatermark(IDLE_MS);
    after.restore(before.toBytes(), 500_000);
    after.observe(0, 70_000, 500_001);
    assertThat(after.advance(500_001, 70_000)).isEqualTo(20_000);
    assertThat(after.advance(500_000 + IDLE_MS + 1, 70_000)).isEqualTo(70_000);
  }
}
