package io.fanlab.harness.load;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.stream.ItemStream;

/**
 * Builds item {@code seq} whose intended start is {@code intendedStartNanos} ({@code System.nanoTime()} scale).
 * The factory must put {@code intendedStartNanos} into the item unchanged; it may use
 * {@code intendedStartNanos - runStartNanos} as the offset for {@code ItemStream.key(seq, offset)}.
 * Called on the generator's thread(s); must be cheap and must not block.
 */
@FunctionalInterface
public interface ItemFactory {
    Item create(long seq, long intendedStartNanos);

    /**
     * Items of a plain stream (fanout 1, so {@code request == seq}) with key and tenant from {@code stream}; the
     * hot-key window is judged at the intended start offset {@code intendedStartNanos - runStartNanos}.
     */
    static ItemFactory of(ItemStream stream, long runStartNanos) {
        if (stream == null) throw new IllegalArgumentException("stream: null (expected: the run's item stream)");
        return (seq, intended) -> new Item(seq, seq, stream.key(seq, intended - runStartNanos), stream.tenant(seq), intended);
    }
}
