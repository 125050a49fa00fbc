/** Helpers shared by Faultline's modules; not API, may change without notice. */
package dev.faultline.ingest.internal;
