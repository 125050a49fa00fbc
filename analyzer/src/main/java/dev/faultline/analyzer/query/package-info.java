/**
 * The query API: the live graph, services, paths and traces as JSON (and DOT or Mermaid), served
 * over HTTP by every instance. The graph comes from the local copy of {@code faultline.graph}; a
 * trace lives in the instance that owns its partition, and a request for it is forwarded there
 * using Kafka Streams' interactive-query metadata.
 */
package dev.faultline.analyzer.query;
