/** Kafka serdes for Faultline's records; every topic names its serdes, none is a default. */
package dev.faultline.schemas.serde;
