/**
 * Trace assembly: the spans of one trace meet in a buffer, caller/callee pairs become {@link
 * dev.faultline.analyzer.trace.Call}s as soon as both sides are known, each request a service
 * handles becomes a {@link dev.faultline.analyzer.trace.Visit}, and whatever is still unpaired when
 * the pairing timeout passes is resolved (virtual peers, headless traces). The pairing rules are
 * plain Java ({@link dev.faultline.analyzer.trace.Pairing}); the Kafka Streams processor only loads
 * and stores traces. Also here: self time and the critical path of a finished trace.
 */
package dev.faultline.analyzer.trace;
