package dev.faultline.analyzer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.NodeType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EdgeKeyTest {
  /** Names that differ by a prefix, a separator, or a character around the separators. */
  private static final String[] NAMES = {"", "a", "a|b", "ab", "a:b", "a b", "b", "é", "Z", "a|"};

  /** Equality is by value, as the record's own was: keys of fresh strings find each other. */
  @Test
  void edgesAreEqualWhenEveryPartIsAndHashAlike() {
    EdgeKey edge = edge("web", "GET /", "cart", "Get", CallKind.CALL_KIND_SYNC);
    EdgeKey same =
        edge(new String("web"), "GET /", new String("cart"), "Get", CallKind.CALL_KIND_SYNC);
    assertThat(same).isEqualTo(edge).hasSameHashCodeAs(edge);
    assertThat(edge)
        .isNotEqualTo(edge("web2", "GET /", "cart", "Get", CallKind.CALL_KIND_SYNC))
        .isNotEqualTo(edge("web", "GET /x", "cart", "Get", CallKind.CALL_KIND_SYNC))
        .isNotEqualTo(edge("web", "GET /", "cart2", "Get", CallKind.CALL_KIND_SYNC))
        .isNotEqualTo(edge("web", "GET /", "cart", "Put", CallKind.CALL_KIND_SYNC))
        .isNotEqualTo(edge("web", "GET /", "cart", "Get", CallKind.CALL_KIND_PRODUCE))
        .isNotEqualTo(
            new EdgeKey(
                new NodeKey(NodeType.NODE_TYPE_VIRTUAL, "web"),
                "GET /",
                NodeKey.service("cart"),
                "Get",
                CallKind.CALL_KIND_SYNC))
        .isNotEqualTo(null);
    OperationKey operation = new OperationKey("cart", "Get");
    assertThat(new OperationKey(new String("cart"), new String("Get")))
        .isEqualTo(operation)
        .hasSameHashCodeAs(operation);
    assertThat(operation)
        .isNotEqualTo(new OperationKey("cart", "Put"))
        .isNotEqualTo(new OperationKey("carts", "Get"));
  }

  private static EdgeKey edge(
      String caller, String callerOperation, String callee, String calleeOperation, CallKind kind) {
    return new EdgeKey(
        NodeKey.service(caller), callerOperation, NodeKey.service(callee), calleeOperation, kind);
  }

  @Test
  void ordersEdgesAsTheirIdsDo() {
    SplittableRandom random = new SplittableRandom(7);
    List<EdgeKey> keys = new ArrayList<>();
    NodeType[] types = {
      NodeType.NODE_TYPE_SERVICE,
      NodeType.NODE_TYPE_QUEUE,
      NodeType.NODE_TYPE_DATABASE,
      NodeType.NODE_TYPE_VIRTUAL,
      NodeType.NODE_TYPE_ENTRY
    };
    CallKind[] kinds = {CallKind.CALL_KIND_SYNC, CallKind.CALL_KIND_PRODUCE};
    for (int i = 0; i < 3_000; i++) {
      keys.add(
          new EdgeKey(
              new NodeKey(types[random.nextInt(types.length)], name(random)),
              name(random),
              new NodeKey(types[random.nextInt(types.length)], name(random)),
              name(random),
              kinds[random.nextInt(kinds.length)]));
    }
    for (int i = 0; i < keys.size(); i++) {
      EdgeKey a = keys.get(i);
      EdgeKey b = keys.get(random.nextInt(keys.size()));
      assertThat(Integer.signum(a.compareTo(b)))
          .as("%s vs %s", a.id(), b.id())
          .isEqualTo(Integer.signum(a.id().compareTo(b.id())));
      EdgeKey copy =
          new EdgeKey(a.caller(), a.callerOperation(), a.callee(), a.calleeOperation(), a.kind());
      assertThat(a.compareTo(copy)).isZero();
    }
  }

  private static String name(SplittableRandom random) {
    return NAMES[random.nextInt(NAMES.length)]
        + (random.nextBoolean() ? "" : NAMES[random.nextInt(NAMES.length)]);
  }
}
