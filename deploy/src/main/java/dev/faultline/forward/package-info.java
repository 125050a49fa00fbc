/**
 * The alert forwarder: consumes {@code faultline.alerts} in a consumer group and delivers each
 * incident state to a webhook (the incident JSON unchanged) or to Alertmanager (its v2 alerts API),
 * committing a record's offset only after the target accepted it.
 */
package dev.faultline.forward;
