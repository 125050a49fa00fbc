package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a span record takes from its resource: the service identity and the kept attributes.
 *
 * @param service {@code service.name}, or {@link SpanNormalizer#UNKNOWN_SERVICE} when blank
 * @param instance {@code service.instance.id}, may be empty
 * @param version {@code service.version}, may be empty
 * @param attributes the kept resource attributes that fit the length limit
 */
record ResourceIdentity(
    String service, String instance, String version, Map<String, String> attributes) {
  ResourceIdentity {
    requireNonNull(service, "service");
    requireNonNull(instance, "instance");
    requireNonNull(version, "version");
    attributes = Map.copyOf(attributes);
  }

  /** Collects a resource's attributes in wire order; later values of a key replace earlier ones. */
  static final class Builder {
    private final AttributeFilter filter;
    private final SpanRules rules;
    private final Map<String, String> kept = new LinkedHashMap<>();
    private String service = "";
    private String instance = "";
    private String version = "";

    Builder(AttributeFilter filter, SpanRules rules) {
      this.filter = requireNonNull(filter, "filter");
      this.rules = requireNonNull(rules, "rules");
    }

    /** Whether the value of this key is needed; callers skip decoding the others. */
    boolean wants(String key) {
      return switch (key) {
        case "service.name", "service.instance.id", "service.version" -> true;
        default -> filter.keeps(key);
      };
    }

    /** Takes an attribute whose key this builder {@link #wants}. */
    void put(String key, String value) {
      switch (key) {
        case "service.name" -> service = value;
        case "service.instance.id" -> instance = value;
        case "service.version" -> version = value;
        default -> {
          // An oversize resource attribute is dropped, not fatal: the spans are still good.
          if (rules.fits(value)) {
            kept.put(key, value);
          }
        }
      }
    }

    ResourceIdentity build() {
      return new ResourceIdentity(
          service.isBlank() ? SpanNormalizer.UNKNOWN_SERVICE : service, instance, version, kept);
    }
  }
}
