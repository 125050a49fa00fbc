/**
 * Evaluation: replays labelled recordings and simulated scenarios, compares the incidents with the
 * ground truth (detection, root cause at 1 and 3, type, path, latency, false incidents) and writes
 * a markdown report with charts. Also the baseline to beat: rank services by the rise of their p90
 * self time.
 */
package dev.faultline.analyzer.eval;
