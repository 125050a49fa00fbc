/**
 * Faultline's analyzer: a Kafka Streams application that turns span batches into a live call graph,
 * per-trace call trees, baselines, detections and incidents, and answers queries about them.
 * Subpackages follow the pipeline: {@code topology} assembles it, {@code config} holds every
 * setting, {@code runtime} runs it.
 */
package dev.faultline.analyzer;
