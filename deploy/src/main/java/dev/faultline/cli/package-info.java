/**
 * The {@code faultline} command line: one picocli command per subcommand, each wiring the lifecycle
 * of parts built elsewhere; no analysis logic lives here.
 */
package dev.faultline.cli;
