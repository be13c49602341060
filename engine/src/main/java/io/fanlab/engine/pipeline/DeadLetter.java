package io.fanlab.engine.pipeline;

/**
 * An item kept by a stage with {@code ErrorPolicy.DEAD_LETTER}.
 *
 * @param stage    the stage whose work failed
 * @param sequence the item's sequence in that stage
 * @param input    the item's input to that stage
 * @param origin   the item as submitted to the pipeline
 * @param cause    the failure
 */
public record DeadLetter(String stage, long sequence, Object input, Object origin, Throwable cause) {}
