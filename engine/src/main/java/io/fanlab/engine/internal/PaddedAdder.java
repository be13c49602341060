package io.fanlab.engine.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link LongAdder} followed by a cache line of padding. The engine's adders are allocated side by side; unpadded,
 * the producers' admission count and the workers' completion count share a line and every increment on one side
 * misses in the other's cache, though the two never contend for the same adder (so {@code LongAdder} never moves
 * to its padded cells). Profiled at about a tenth of the hand-off cost per item at work ~0.
 */
@SuppressWarnings({"unused", "serial"})
final class PaddedAdder extends LongAdder {
    private long p01, p02, p03, p04, p05, p06, p07, p08;
}
