/**
 * {@code faultline bench}: throughput measured against the limit of this machine, in one run: a
 * plain consumer that only parses the records, then Faultline's stages over the same records.
 */
package dev.faultline.cli.bench;
