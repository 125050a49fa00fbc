/**
 * The call graph: per-window statistics of every edge (caller service/operation to callee
 * node/operation) and every node operation, accumulated per task and merged into one graph per
 * window; and the in-memory graph view (JGraphT) that path queries and detectors run on. Plain
 * Java: no Kafka here.
 */
package dev.faultline.analyzer.graph;
