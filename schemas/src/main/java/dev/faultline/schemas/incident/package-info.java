/**
 * The incident contract: what Faultline publishes to {@code faultline.alerts} (key = incident id,
 * value = the incident as JSON), what replay writes one per line, and what the API serves. Schema:
 * {@code dev/faultline/schemas/json/incident.schema.json}.
 */
package dev.faultline.schemas.incident;
