package dev.faultline.analyzer.trace;

/**
 * Not a finding but a promise that travels with them: trace assembly has seen its input up to
 * {@code timeMs} from every active source, so the window stage may close the windows before it.
 *
 * @param timeMs the event time passed, epoch milliseconds
 */
public record Watermark(long timeMs) implements Observation {}
