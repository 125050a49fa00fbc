/**
 * Ingest configuration: every key typed, defaulted and documented in one {@code ConfigDef}, parsed
 * and validated once at start-up.
 */
package dev.faultline.ingest.config;
