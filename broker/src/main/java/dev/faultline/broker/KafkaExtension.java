package dev.faultline.broker;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands integration tests a real Kafka broker, one per test JVM.
 *
 * <p>By default the broker is {@link EmbeddedKafka}. With {@code -Dfaultline.kafka=testcontainers}
 * it is Testcontainers' Kafka ({@code apache/kafka} image) when Docker is present; without Docker
 * the tests are skipped with the reason. Tests declare a {@link KafkaCluster} parameter; a test
 * that must stop and restart the broker declares {@link EmbeddedKafka} and runs only in the
 * embedded mode.
 */
public final class KafkaExtension implements ParameterResolver {
  /** System property choosing the broker: {@code embedded} (default) or {@code testcontainers}. */
  public static final String MODE_PROPERTY = "faultline.kafka";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KafkaCluster.class || type == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    boolean needsEmbedded = parameter.getParameter().getType() == EmbeddedKafka.class;
    if (needsEmbedded) {
      Assumptions.assumeTrue(
          mode().equals("embedded"),
          "this test stops and restarts the broker, which only the embedded mode allows");
      // A test that restarts the broker gets its own, so it cannot disturb the shared one.
      return context
          .getStore(NAMESPACE)
          .computeIfAbsent("own-embedded", key -> EmbeddedKafka.start(), EmbeddedKafka.class);
    }
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent("shared", key -> startShared(), KafkaCluster.class);
  }

  private static KafkaCluster startShared() {
    if (mode().equals("testcontainers")) {
      Assumptions.assumeTrue(
          TestcontainersKafka.dockerAvailable(),
          "-Dfaultline.kafka=testcontainers needs a Docker engine, and none answers here");
      return TestcontainersKafka.start();
    }
    return EmbeddedKafka.start();
  }

  private static String mode() {
    String mode = System.getProperty(MODE_PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("embedded") && !mode.equals("testcontainers")) {
      throw new IllegalArgumentException(
          MODE_PROPERTY + " must be 'embedded' or 'testcontainers', not '" + mode + "'");
    }
    return mode;
  }
}
