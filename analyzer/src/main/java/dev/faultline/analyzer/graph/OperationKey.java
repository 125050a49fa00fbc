package dev.faultline.analyzer.graph;

import static java.util.Objects.requireNonNull;

/**
 * An operation of a service: the node-level unit of the graph.
 *
 * @param service the service
 * @param operation the operation
 */
public record OperationKey(String service, String operation) implements Comparable<OperationKey> {
  public OperationKey {
    requireNonNull(service, "service");
    requireNonNull(operation, "operation");
  }

  // Written out, as in EdgeKey: looked up for every visit.
  @Override
  public boolean equals(Object other) {
    return this == other
        || other instanceof OperationKey that
            && operation.equals(that.operation)
            && service.equals(that.service);
  }

  @Override
  public int hashCode() {
    return 31 * service.hashCode() + operation.hashCode();
  }

  public String id() {
    return service + "|" + operation;
  }

  @Override
  public int compareTo(OperationKey other) {
    int byService = service.compareTo(other.service);
    return byService != 0 ? byService : operation.compareTo(other.operation);
  }

  @Override
  public String toString() {
    return service + "/" + operation;
  }
}
