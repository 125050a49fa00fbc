package dev.faultline.analyzer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Validates JSON documents against the published schemas in {@code schemas/}. */
public final class SchemaAssert {
  private static final String PREFIX = "https://faultline.dev/schemas/";
  private static final String RESOURCES = "dev/faultline/schemas/json/";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder.schemas(
                  iri -> iri.startsWith(PREFIX) ? read(iri.substring(PREFIX.length())) : null));

  private SchemaAssert() {}

  /** The schema violations of {@code json} (empty when valid). */
  public static List<Error> violations(String schemaName, String json) {
    Schema schema = REGISTRY.getSchema(SchemaLocation.of(PREFIX + schemaName));
    return schema.validate(json, InputFormat.JSON);
  }

  public static void assertValid(String schemaName, String json) {
    assertThat(violations(schemaName, json)).as("%s violations of %s", schemaName, json).isEmpty();
  }

  private static String read(String name) {
    try (InputStream in =
        SchemaAssert.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no schema " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
