package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * Where a span sat in its request: the resource and scope around it, by position, so that a dead
 * letter can rebuild the same nesting.
 *
 * @param resourceIndex index of the {@code ResourceSpans} in the request
 * @param resource its resource
 * @param resourceSchemaUrl its schema URL
 * @param scopeIndex index of the {@code ScopeSpans} in the resource
 * @param scope its instrumentation scope
 * @param scopeSchemaUrl its schema URL
 */
record SpanOrigin(
    int resourceIndex,
    Resource resource,
    String resourceSchemaUrl,
    int scopeIndex,
    InstrumentationScope scope,
    String scopeSchemaUrl) {
  SpanOrigin {
    requireNonNull(resource, "resource");
    requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    requireNonNull(scope, "scope");
    requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
  }
}
