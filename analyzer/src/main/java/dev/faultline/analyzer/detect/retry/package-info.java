/**
 * Retry storms: edges whose calls are largely retries and multiply the load per request, the
 * amplification multiplied along the path from an entry point down to the node whose slowness or
 * errors set the retries off, and metastability (the storm outlives its trigger).
 */
package dev.faultline.analyzer.detect.retry;
