/**
 * The latency sketch used for every distribution Faultline keeps (latency, self time, network gap,
 * queue wait): DDSketch's log-spaced buckets, which give quantiles within a fixed relative error,
 * merge exactly (so partial windows from many tasks combine without loss), and serialize small.
 * HdrHistogram was the alternative; it fixes absolute precision and a value range up front and its
 * encoding is larger for the sparse distributions of one edge in one window.
 */
package dev.faultline.analyzer.sketch;
