package dev.faultline.schemas.incident;

/** Where an incident is in its life. */
public enum IncidentStatus {
  OPEN,
  UPDATED,
  RESOLVED
}
