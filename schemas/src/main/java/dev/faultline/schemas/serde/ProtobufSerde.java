package dev.faultline.schemas.serde;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A serde for one protobuf message type; {@code null} stays {@code null} (tombstones). */
public final class ProtobufSerde<T extends MessageLite> implements Serde<T> {
  private final Parser<T> parser;
  private final String typeName;
  private final Function<T, byte[]> writer;

  public ProtobufSerde(Parser<T> parser, Class<T> type) {
    this(parser, type, MessageLite::toByteArray);
  }

  /** A serde whose serializer is {@code writer}, which must give the bytes toByteArray gives. */
  public ProtobufSerde(Parser<T> parser, Class<T> type, Function<T, byte[]> writer) {
    this.parser = requireNonNull(parser, "parser");
    this.typeName = type.getSimpleName();
    this.writer = requireNonNull(writer, "writer");
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : writer.apply(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new SerializationException(
            "cannot parse a " + typeName + " from " + bytes.length + " bytes on " + topic, e);
      }
    };
  }
}
