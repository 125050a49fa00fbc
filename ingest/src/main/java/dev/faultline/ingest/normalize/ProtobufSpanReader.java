package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Parser;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.schemas.span.SpanRecord;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Normalises a protobuf {@code ExportTraceServiceRequest} straight from its bytes, without building
 * the OTLP object graph: ids, times and names are read into the span record, attribute keys are
 * looked up by their bytes, and only kept attribute values are decoded. The result is exactly what
 * {@link SpanNormalizer} gives for the parsed request, and bytes that {@code parseFrom} refuses are
 * refused here. Not thread-safe: use one per thread.
 */
public final class ProtobufSpanReader {
  // ExportTraceServiceRequest
  private static final int RESOURCE_SPANS = 1 << 3 | Wire.LEN;
  // ResourceSpans
  private static final int RESOURCE = 1 << 3 | Wire.LEN;
  private static final int SCOPE_SPANS = 2 << 3 | Wire.LEN;
  private static final int RESOURCE_SCHEMA_URL = 3 << 3 | Wire.LEN;
  // Resource
  private static final int RESOURCE_ATTRIBUTES = 1 << 3 | Wire.LEN;
  private static final int ENTITY_REFS = 3 << 3 | Wire.LEN;
  // ScopeSpans
  private static final int SCOPE = 1 << 3 | Wire.LEN;
  private static final int SPANS = 2 << 3 | Wire.LEN;
  private static final int SCOPE_SCHEMA_URL = 3 << 3 | Wire.LEN;

  // Resources repeat from record to record (one per service instance), byte for byte.
  private static final int MAX_RESOURCES = 1024;

  private final SpanRules rules;
  private final AttributeFilter filter;
  private final WireKeyValue attribute;
  private final WireSpanReader span;
  private final BytesMap<ResourceIdentity> identities = new BytesMap<>(MAX_RESOURCES);

  public ProtobufSpanReader(NormalizerSettings settings) {
    requireNonNull(settings, "settings");
    this.rules = new SpanRules(settings);
    this.filter = new AttributeFilter(settings.extraAttributes());
    AttributeKeys keys = new AttributeKeys(filter);
    this.attribute = new WireKeyValue(keys);
    this.span = new WireSpanReader(keys);
  }

  /**
   * Normalises the request in {@code bytes}.
   *
   * @param recordTimestampMs the Kafka record's timestamp, which bounds plausible span times; a
   *     value of 0 or less skips the age and future checks
   * @throws OtlpDecodeException if the bytes are not a valid protobuf request
   */
  public Normalized read(byte[] bytes, long recordTimestampMs) throws OtlpDecodeException {
    requireNonNull(bytes, "bytes");
    try {
      NormalizedBuilder out = new NormalizedBuilder();
      Wire wire = Wire.over(bytes, 0, bytes.length);
      int resourceIndex = 0;
      int tag;
      while ((tag = wire.readTag()) != 0) {
        if (tag == RESOURCE_SPANS) {
          resourceSpans(wire, resourceIndex++, recordTimestampMs, out);
        } else {
          wire.skipField(tag, 0);
        }
      }
      return out.build();
    } catch (IOException e) {
      throw new OtlpDecodeException(
          "not an OTLP protobuf ExportTraceServiceRequest: " + e.getMessage(), e);
    }
  }

  /**
   * The resource may follow its spans on the wire, and the spans need its service name, so the
   * fields are located first and read in order after.
   */
  private void resourceSpans(Wire wire, int index, long recordTsMs, NormalizedBuilder out)
      throws IOException {
    int limit = wire.enter(0);
    ResourceContext resource = new ResourceContext(wire.bytes, index);
    Ranges scopes = new Ranges();
    int tag;
    while ((tag = wire.readTag()) != 0) {
      switch (tag) {
        case RESOURCE -> resource.ranges.add(wire.readRange());
        case SCOPE_SPANS -> scopes.add(wire.readRange());
        case RESOURCE_SCHEMA_URL -> resource.schemaUrl = wire.readUtf8Range();
        default -> wire.skipField(tag, 1);
      }
    }
    wire.leave(limit);
    ResourceIdentity identity = identity(wire.bytes, resource.ranges);
    for (int s = 0; s < scopes.size(); s++) {
      long range = scopes.get(s);
      Wire scope = Wire.over(wire.bytes, Wire.offset(range), Wire.length(range));
      scopeSpans(scope, resource, s, identity, recordTsMs, out);
    }
  }

  /**
   * The identity of a resource, remembered by its bytes: the same bytes were checked and read the
   * same way before. A resource given in several fields (rare) is read each time.
   */
  private ResourceIdentity identity(byte[] bytes, Ranges ranges) throws IOException {
    if (ranges.size() != 1) {
      return readIdentity(bytes, ranges);
    }
    int offset = Wire.offset(ranges.get(0));
    int length = Wire.length(ranges.get(0));
    int hash = BytesMap.hash(bytes, offset, length);
    ResourceIdentity identity = identities.get(bytes, offset, length, hash);
    if (identity == null) {
      identity = readIdentity(bytes, ranges);
      identities.put(bytes, offset, length, hash, identity);
    }
    return identity;
  }

  /** The identity from every resource field in order: repeated ones merge, as in parseFrom. */
  private ResourceIdentity readIdentity(byte[] bytes, Ranges ranges) throws IOException {
    ResourceIdentity.Builder identity = new ResourceIdentity.Builder(filter, rules);
    for (int r = 0; r < ranges.size(); r++) {
      long range = ranges.get(r);
      Wire wire = Wire.over(bytes, Wire.offset(range), Wire.length(range));
      int tag;
      while ((tag = wire.readTag()) != 0) {
        switch (tag) {
          case RESOURCE_ATTRIBUTES -> {
            attribute.read(wire, 2);
            String key = attribute.key().name();
            if (identity.wants(key)) {
              identity.put(key, attribute.value(bytes));
            }
          }
          case ENTITY_REFS -> WireShape.ENTITY_REF.skipMessage(wire, 2);
          default -> wire.skipField(tag, 2); // dropped count, unknown fields
        }
      }
    }
    return identity.build();
  }

  /**
   * Reads the spans of one scope. Rejected spans wait for the end of the scope, whose fields may
   * follow them, before they go to the dead letters with it.
   */
  private void scopeSpans(
      Wire wire,
      ResourceContext resource,
      int index,
      ResourceIdentity identity,
      long recordTsMs,
      NormalizedBuilder out)
      throws IOException {
    Ranges scopes = new Ranges();
    long schemaUrl = -1;
    List<SpanRules.Problem> problems = new ArrayList<>(0);
    Ranges rejected = new Ranges();
    int tag;
    while ((tag = wire.readTag()) != 0) {
      switch (tag) {
        case SCOPE -> {
          int limit = wire.enter(2);
          scopes.add(Wire.range(wire.position(), wire.remaining()));
          WireShape.SCOPE.skipFields(wire, 3);
          wire.leave(limit);
        }
        case SPANS -> {
          int limit = wire.enter(2);
          long range = Wire.range(wire.position(), wire.remaining());
          span.read(wire, 3);
          wire.leave(limit);
          SpanRules.Problem problem = span.check(rules, identity, recordTsMs);
          SpanRecord record =
              problem == null ? span.toRecord(new SpanRecordBuilder(rules, identity)) : null;
          if (problem == null && record == null) {
            problem = rules.oversizeAttribute();
          }
          if (problem != null) {
            problems.add(problem);
            rejected.add(range);
          } else {
            out.accept(record);
          }
        }
        case SCOPE_SCHEMA_URL -> schemaUrl = wire.readUtf8Range();
        default -> wire.skipField(tag, 2);
      }
    }
    if (!rejected.isEmpty()) {
      SpanOrigin origin =
          new SpanOrigin(
              resource.index,
              resource.resource(),
              string(wire.bytes, resource.schemaUrl),
              index,
              merged(InstrumentationScope.parser(), wire.bytes, scopes),
              string(wire.bytes, schemaUrl));
      for (int i = 0; i < rejected.size(); i++) {
        long range = rejected.get(i);
        out.reject(
            problems.get(i),
            origin,
            io.opentelemetry.proto.trace.v1.Span.parser()
                .parseFrom(wire.bytes, Wire.offset(range), Wire.length(range)));
      }
    }
  }

  /** A message given in several fields, merged as parseFrom merges them: by concatenation. */
  private static <T> T merged(Parser<T> parser, byte[] bytes, Ranges ranges) throws IOException {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int r = 0; r < ranges.size(); r++) {
      long range = ranges.get(r);
      joined.write(bytes, Wire.offset(range), Wire.length(range));
    }
    return parser.parseFrom(joined.toByteArray());
  }

  /** The string at {@code range} (already checked UTF-8), or "" for the absent range -1. */
  private static String string(byte[] bytes, long range) {
    return range == -1
        ? ""
        : new String(bytes, Wire.offset(range), Wire.length(range), StandardCharsets.UTF_8);
  }

  /** One {@code ResourceSpans} as its rejected spans need it: parsed only if there are any. */
  private static final class ResourceContext {
    final byte[] bytes;
    final int index;
    final Ranges ranges = new Ranges();
    long schemaUrl = -1;
    private Resource resource;

    ResourceContext(byte[] bytes, int index) {
      this.bytes = bytes;
      this.index = index;
    }

    Resource resource() throws IOException {
      if (resource == null) {
        resource = merged(Resource.parser(), bytes, ranges);
      }
      return resource;
    }
  }
}
