package io.fanlab.harness.load;

import io.fanlab.harness.design.Item;

/**
 * Builds item {@code seq} whose intended start is {@code intendedStartNanos} ({@code System.nanoTime()} scale).
 * The factory must put {@code intendedStartNanos} into the item unchanged; it may use
 * {@code intendedStartNanos - runStartNanos} as the offset for {@code ItemStream.key(seq, offset)}.
 * Called on the generator's thread(s); must be cheap and must not block.
 */
@FunctionalInterface
public interface ItemFactory {
    Item create(long seq, long intendedStartNanos);
}
