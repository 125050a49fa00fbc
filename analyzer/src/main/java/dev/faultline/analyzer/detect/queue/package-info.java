/**
 * Queue growth: per queue and consumer, the produce and consume rates of recent windows against the
 * baseline, the queue wait of consumed messages and its trend, evaluated in the spirit of Burrow's
 * consumer-lag rules (a backlog that never drains is a warning, a consumer that stopped is an
 * error), with the backlog, its time to drain, and who caused it: the consumer or a burst of a
 * producer.
 */
package dev.faultline.analyzer.detect.queue;
