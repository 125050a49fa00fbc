package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.proto.NodeRef;
import dev.faultline.schemas.proto.NodeType;

/**
 * A node of the call graph: a service, a queue, a database, an uninstrumented peer, or the entry
 * point of requests. Two nodes with the same name but different types are different nodes.
 *
 * @param type what kind of node
 * @param name its name
 */
public record NodeKey(NodeType type, String name) implements Comparable<NodeKey> {
  /** The one entry node: the caller of every root span. */
  public static final NodeKey ENTRY = new NodeKey(NodeType.NODE_TYPE_ENTRY, "entry");

  public NodeKey {
    requireNonNull(type, "type");
    requireNonNull(name, "name");
  }

  // Written out, as in EdgeKey: part of every edge key looked up.
  @Override
  public boolean equals(Object other) {
    return this == other
        || other instanceof NodeKey that && type == that.type && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return 31 * type.ordinal() + name.hashCode();
  }

  public static NodeKey service(String name) {
    return new NodeKey(NodeType.NODE_TYPE_SERVICE, name);
  }

  public static NodeKey of(NodeRef ref) {
    return new NodeKey(ref.getType(), ref.getName());
  }

  public NodeRef toRef() {
    return NodeRef.newBuilder().setType(type).setName(name).build();
  }

  public boolean isService() {
    return type == NodeType.NODE_TYPE_SERVICE;
  }

  /** Short lower-case type name for APIs: service, queue, database, virtual, entry. */
  public String typeName() {
    return switch (type) {
      case NODE_TYPE_SERVICE -> "service";
      case NODE_TYPE_QUEUE -> "queue";
      case NODE_TYPE_DATABASE -> "database";
      case NODE_TYPE_VIRTUAL -> "virtual";
      case NODE_TYPE_ENTRY -> "entry";
      default -> "unknown";
    };
  }

  @Override
  public int compareTo(NodeKey other) {
    int byType = Integer.compare(type.getNumber(), other.type.getNumber());
    return byType != 0 ? byType : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return typeName() + ":" + name;
  }
}
