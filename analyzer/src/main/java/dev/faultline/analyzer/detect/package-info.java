/**
 * Detection: baselines of every node and edge, the detectors (pure classes over window statistics
 * and the graph), and the incident tracker that turns their findings into one incident per
 * propagating failure with an open/update/resolve lifecycle. No Kafka here; {@code
 * topology/DetectionProcessor} feeds published windows in and writes incidents out.
 */
package dev.faultline.analyzer.detect;
