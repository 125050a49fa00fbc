package dev.faultline.schemas.span;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One span record (the {@code Span} message of {@code faultline_span.proto}) as an immutable object
 * of plain fields: its attributes are an array of keys and values in the order they were first set,
 * as the message's map keeps them, looked up by a scan (a span keeps a handful). Getters are named
 * as the message's, and {@link #toProto} and {@link #of} convert either way without loss.
 */
public final class SpanRecord {
  private static final String[] NO_ATTRIBUTES = new String[0];

  private final ByteString traceId;
  private final ByteString spanId;
  private final ByteString parentSpanId;
  private final String service;
  private final String serviceInstance;
  private final String serviceVersion;
  private final String name;
  private final SpanKind kind;
  private final long startUnixNano;
  private final long endUnixNano;
  private final StatusCode statusCode;
  private final String statusMessage;
  private final List<SpanLink> links;

  /** Key, value, key, value, ...; keys distinct. */
  private final String[] attributes;

  private SpanRecord(Builder b) {
    this.traceId = b.traceId;
    this.spanId = b.spanId;
    this.parentSpanId = b.parentSpanId;
    this.service = b.service;
    this.serviceInstance = b.serviceInstance;
    this.serviceVersion = b.serviceVersion;
    this.name = b.name;
    this.kind = b.kind;
    this.startUnixNano = b.startUnixNano;
    this.endUnixNano = b.endUnixNano;
    this.statusCode = b.statusCode;
    this.statusMessage = b.statusMessage;
    this.links = b.links == null ? List.of() : List.copyOf(b.links);
    this.attributes =
        b.attributeCount == 0 ? NO_ATTRIBUTES : Arrays.copyOf(b.attributes, b.attributeCount * 2);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The record of a span message; a kind or status number this version does not know reads as
   * unspecified or unset, as ingest reads OTLP's.
   */
  public static SpanRecord of(Span span) {
    Builder out =
        newBuilder()
            .setTraceId(span.getTraceId())
            .setSpanId(span.getSpanId())
            .setParentSpanId(span.getParentSpanId())
            .setService(span.getService())
            .setServiceInstance(span.getServiceInstance())
            .setServiceVersion(span.getServiceVersion())
            .setName(span.getName())
            .setKind(
                span.getKind() == SpanKind.UNRECOGNIZED
                    ? SpanKind.SPAN_KIND_UNSPECIFIED
                    : span.getKind())
            .setStartUnixNano(span.getStartUnixNano())
            .setEndUnixNano(span.getEndUnixNano())
            .setStatusCode(
                span.getStatusCode() == StatusCode.UNRECOGNIZED
                    ? StatusCode.STATUS_CODE_UNSET
                    : span.getStatusCode())
            .setStatusMessage(span.getStatusMessage());
    for (SpanLink link : span.getLinksList()) {
      out.addLinks(link);
    }
    for (Map.Entry<String, String> attribute : span.getAttributesMap().entrySet()) {
      out.putAttributes(attribute.getKey(), attribute.getValue());
    }
    return out.build();
  }

  /** The records of span messages, in order. */
  public static List<SpanRecord> of(List<Span> spans) {
    List<SpanRecord> out = new ArrayList<>(spans.size());
    for (Span span : spans) {
      out.add(of(span));
    }
    return out;
  }

  /** The span message holding the same. */
  public Span toProto() {
    Span.Builder out =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(spanId)
            .setParentSpanId(parentSpanId)
            .setService(service)
            .setServiceInstance(serviceInstance)
            .setServiceVersion(serviceVersion)
            .setName(name)
            .setKind(kind)
            .setStartUnixNano(startUnixNano)
            .setEndUnixNano(endUnixNano)
            .setStatusCode(statusCode)
            .setStatusMessage(statusMessage)
            .addAllLinks(links);
    for (int i = 0; i < attributes.length; i += 2) {
      out.putAttributes(attributes[i], attributes[i + 1]);
    }
    return out.build();
  }

  public ByteString getTraceId() {
    return traceId;
  }

  public ByteString getSpanId() {
    return spanId;
  }

  /** Empty for a root span. */
  public ByteString getParentSpanId() {
    return parentSpanId;
  }

  public String getService() {
    return service;
  }

  public String getServiceInstance() {
    return serviceInstance;
  }

  public String getServiceVersion() {
    return serviceVersion;
  }

  public String getName() {
    return name;
  }

  public SpanKind getKind() {
    return kind;
  }

  public long getStartUnixNano() {
    return startUnixNano;
  }

  public long getEndUnixNano() {
    return endUnixNano;
  }

  public StatusCode getStatusCode() {
    return statusCode;
  }

  public String getStatusMessage() {
    return statusMessage;
  }

  public List<SpanLink> getLinksList() {
    return links;
  }

  public int getLinksCount() {
    return links.size();
  }

  /** The value of attribute {@code key}, or {@code null} when the span has none. */
  public String attribute(String key) {
    int at = indexOf(attributes, attributes.length, key);
    return at < 0 ? null : attributes[at + 1];
  }

  /**
   * Where {@code key} is among the first {@code length} slots of keys and values, or -1. Keys are
   * compared by their hash first (a string keeps it once computed), so a key of another name but
   * the same length is not compared byte by byte.
   */
  private static int indexOf(String[] pairs, int length, String key) {
    int hash = key.hashCode();
    for (int i = 0; i < length; i += 2) {
      String other = pairs[i];
      if (other == key || (other.hashCode() == hash && other.equals(key))) {
        return i;
      }
    }
    return -1;
  }

  public boolean hasAttribute(String key) {
    return attribute(key) != null;
  }

  public int getAttributesCount() {
    return attributes.length / 2;
  }

  /** The key of the {@code index}th attribute, in the order they were set. */
  public String attributeKey(int index) {
    return attributes[index * 2];
  }

  public String attributeValue(int index) {
    return attributes[index * 2 + 1];
  }

  /** The attributes as a new map, in the order they were set. */
  public Map<String, String> getAttributesMap() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < attributes.length; i += 2) {
      out.put(attributes[i], attributes[i + 1]);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpanRecord other
        && startUnixNano == other.startUnixNano
        && endUnixNano == other.endUnixNano
        && kind == other.kind
        && statusCode == other.statusCode
        && traceId.equals(other.traceId)
        && spanId.equals(other.spanId)
        && parentSpanId.equals(other.parentSpanId)
        && service.equals(other.service)
        && serviceInstance.equals(other.serviceInstance)
        && serviceVersion.equals(other.serviceVersion)
        && name.equals(other.name)
        && statusMessage.equals(other.statusMessage)
        && links.equals(other.links)
        && getAttributesMap().equals(other.getAttributesMap());
  }

  @Override
  public int hashCode() {
    return (spanId.hashCode() * 31 + name.hashCode()) * 31 + Long.hashCode(startUnixNano);
  }

  @Override
  public String toString() {
    return toProto().toString();
  }

  /**
   * Assembles a record; defaults are the message's (empty ids and strings, unset kind and status).
   */
  public static final class Builder {
    private ByteString traceId = ByteString.EMPTY;
    private ByteString spanId = ByteString.EMPTY;
    private ByteString parentSpanId = ByteString.EMPTY;
    private String service = "";
    private String serviceInstance = "";
    private String serviceVersion = "";
    private String name = "";
    private SpanKind kind = SpanKind.SPAN_KIND_UNSPECIFIED;
    private long startUnixNano;
    private long endUnixNano;
    private StatusCode statusCode = StatusCode.STATUS_CODE_UNSET;
    private String statusMessage = "";
    private List<SpanLink> links;
    private String[] attributes = new String[16];
    private int attributeCount;

    private Builder() {}

    public Builder setTraceId(ByteString value) {
      traceId = requireNonNull(value, "traceId");
      return this;
    }

    public Builder setSpanId(ByteString value) {
      spanId = requireNonNull(value, "spanId");
      return this;
    }

    public Builder setParentSpanId(ByteString value) {
      parentSpanId = requireNonNull(value, "parentSpanId");
      return this;
    }

    public Builder setService(String value) {
      service = requireNonNull(value, "service");
      return this;
    }

    public Builder setServiceInstance(String value) {
      serviceInstance = requireNonNull(value, "serviceInstance");
      return this;
    }

    public Builder setServiceVersion(String value) {
      serviceVersion = requireNonNull(value, "serviceVersion");
      return this;
    }

    public Builder setName(String value) {
      name = requireNonNull(value, "name");
      return this;
    }

    public Builder setKind(SpanKind value) {
      kind = requireNonNull(value, "kind");
      return this;
    }

    public Builder setStartUnixNano(long value) {
      startUnixNano = value;
      return this;
    }

    public Builder setEndUnixNano(long value) {
      endUnixNano = value;
      return this;
    }

    public Builder setStatusCode(StatusCode value) {
      statusCode = requireNonNull(value, "statusCode");
      return this;
    }

    public Builder setStatusMessage(String value) {
      statusMessage = requireNonNull(value, "statusMessage");
      return this;
    }

    public Builder addLinks(SpanLink link) {
      if (links == null) {
        links = new ArrayList<>(1);
      }
      links.add(requireNonNull(link, "link"));
      return this;
    }

    /** Sets an attribute; a key set before keeps its place and takes the new value. */
    public Builder putAttributes(String key, String value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      int at = indexOf(attributes, attributeCount * 2, key);
      if (at >= 0) {
        attributes[at + 1] = value;
        return this;
      }
      if (attributeCount * 2 == attributes.length) {
        attributes = Arrays.copyOf(attributes, attributes.length * 2);
      }
      attributes[attributeCount * 2] = key;
      attributes[attributeCount * 2 + 1] = value;
      attributeCount++;
      return this;
    }

    public boolean containsAttributes(String key) {
      return indexOf(attributes, attributeCount * 2, key) >= 0;
    }

    public SpanRecord build() {
      return new SpanRecord(this);
    }
  }
}
