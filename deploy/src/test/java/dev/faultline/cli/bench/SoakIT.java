package dev.faultline.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak on the real broker (75 s by default; {@code -Dfaultline.soak.seconds=N} changes it):
 * at a steady rate, the heap after GC, the state directory and the consumer lag stay flat within
 * {@code faultline soak}'s tolerances. The long run is {@code faultline soak}.
 */
@ExtendWith(KafkaExtension.class)
class SoakIT {
  private static final int RATE = 3_000;

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void heapStateAndLagStayFlatAtASteadyRate(KafkaCluster kafka, @TempDir Path state)
      throws Exception {
    int seconds = Integer.getInteger("faultline.soak.seconds", 75);
    SoakRun.Options options =
        new SoakRun.Options(
            Duration.ofSeconds(seconds),
            RATE,
            Duration.ofMillis(Math.max(2_000, seconds * 1_000L / 25)),
            "exactly_once_v2",
            state);

    SoakRun.Result result =
        SoakRun.run(kafka.bootstrapServers(), options, line -> System.out.println("SOAK " + line));

    StringWriter report = new StringWriter();
    boolean flat = SoakCommand.report(new PrintWriter(report), result);
    System.out.println("SOAK " + report);
    assertThat(result.samples()).hasSizeGreaterThanOrEqualTo(15);
    assertThat(result.spansSent())
        .as("the sender kept the rate")
        .isBetween((long) (RATE * seconds * 0.8), (long) (RATE * seconds * 1.2));
    assertThat(result.state().lastThird()).as("state is being written").isPositive();
    assertThat(flat).as(report.toString()).isTrue();
  }
}
