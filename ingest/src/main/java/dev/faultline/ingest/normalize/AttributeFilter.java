package dev.faultline.ingest.normalize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which attributes a span record keeps: those the analyzer reads (HTTP, RPC, database,
 * messaging, peer naming, retries, errors) plus a configured allow-list. HTTP header attributes are
 * left out unless allowed by name: they are large and often carry credentials.
 */
public final class AttributeFilter {
  /** Kept by exact key. */
  static final Set<String> BUILT_IN_KEYS =
      Set.of(
          "db.system",
          "db.system.name",
          "db.namespace",
          "db.name",
          "db.operation",
          "db.operation.name",
          "db.collection.name",
          "server.address",
          "server.port",
          "peer.service",
          "net.peer.name",
          "net.peer.port",
          "network.peer.address",
          "url.path",
          "url.scheme",
          "error.type",
          "exception.type",
          "host.name",
          "k8s.node.name");

  /** Kept by prefix. */
  static final List<String> BUILT_IN_PREFIXES = List.of("http.", "rpc.", "messaging.");

  private static final List<String> EXCLUDED_PREFIXES =
      List.of("http.request.header.", "http.response.header.");
  private static final int MEMO_CAP = 10_000;

  private final Set<String> keys;
  private final List<String> prefixes;
  private final Set<String> extraKeys;
  private final List<String> extraPrefixes;
  private final Map<String, Boolean> memo = new ConcurrentHashMap<>();

  /** A filter keeping the built-in attributes and {@code extra} (a trailing '*' is a prefix). */
  public AttributeFilter(List<String> extra) {
    this.keys = BUILT_IN_KEYS;
    this.prefixes = BUILT_IN_PREFIXES;
    Set<String> exact = new HashSet<>();
    List<String> prefix = new ArrayList<>();
    for (String entry : extra) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("*")) {
        prefix.add(trimmed.substring(0, trimmed.length() - 1));
      } else {
        exact.add(trimmed);
      }
    }
    this.extraKeys = Set.copyOf(exact);
    this.extraPrefixes = List.copyOf(prefix);
  }

  /** Whether a span or resource attribute with this key is kept. */
  public boolean keeps(String key) {
    Boolean known = memo.get(key);
    if (known != null) {
      return known;
    }
    boolean keep = decide(key);
    // Attribute keys are few in practice; hostile input must not grow the memo without bound.
    if (memo.size() < MEMO_CAP) {
      memo.put(key, keep);
    }
    return keep;
  }

  private boolean decide(String key) {
    if (extraKeys.contains(key) || startsWithAny(key, extraPrefixes)) {
      return true;
    }
    if (startsWithAny(key, EXCLUDED_PREFIXES)) {
      return false;
    }
    return keys.contains(key) || startsWithAny(key, prefixes);
  }

  private static boolean startsWithAny(String key, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
