package dev.faultline.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The published incident schema ({@code schemas/}), for checking examples and fixtures. */
public final class IncidentSchema {
  private static final String PREFIX = "https://faultline.dev/schemas/";
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder.schemas(
                  iri -> iri.startsWith(PREFIX) ? read(iri.substring(PREFIX.length())) : null));

  private IncidentSchema() {}

  /** The violations of {@code json} against incident.schema.json (empty when valid). */
  public static List<Error> violations(String json) {
    return REGISTRY
        .getSchema(SchemaLocation.of(PREFIX + "incident.schema.json"))
        .validate(json, InputFormat.JSON);
  }

  private static String read(String name) {
    try (InputStream in =
        IncidentSchema.class
            .getClassLoader()
            .getResourceAsStream("dev/faultline/schemas/json/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no schema " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
