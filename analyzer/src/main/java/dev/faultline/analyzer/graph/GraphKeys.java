package dev.faultline.analyzer.graph;

import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of per-window graph records, in the graph stage's store, the graph topic and every
 * instance's history: the window start (sign bit flipped, big-endian, so byte order is time order),
 * a type byte, and the edge or operation id.
 */
public final class GraphKeys {
  /** Type byte of an edge record. */
  public static final byte EDGE = 'E';

  /** Type byte of a node (service operation) record. */
  public static final byte NODE = 'N';

  /** Type byte of a task's closing marker (graph stage only). */
  public static final byte CLOSED = 'C';

  private GraphKeys() {}

  public static Bytes key(long window, byte type, String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(Long.BYTES + 1 + idBytes.length)
            .putLong(window ^ Long.MIN_VALUE)
            .put(type)
            .put(idBytes)
            .array());
  }

  public static Bytes edge(long window, EdgeStats edge) {
    return key(window, EDGE, EdgeKey.of(edge).id());
  }

  public static Bytes node(long window, NodeStats node) {
    return key(window, NODE, new OperationKey(node.getService(), node.getOperation()).id());
  }

  /** The 8-byte prefix of a window: every key of the window sorts after it, before the next's. */
  public static Bytes prefix(long window) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(window ^ Long.MIN_VALUE).array());
  }

  public static long windowOf(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }

  public static byte typeOf(Bytes key) {
    return key.get()[Long.BYTES];
  }
}
