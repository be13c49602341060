package io.fanlab.harness.probe;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A concurrent set of item sequence numbers, to prove "nothing duplicated": {@link #add} returns false when the
 * number was already present. Bits in lazily allocated 1 Mi-bit chunks (128 KiB each); one CAS loop per add.
 * Covers sequence numbers below {@link #CAPACITY} (2^32: 512 MiB of bits when full, about 70 minutes at 10^6
 * items/s); larger ones are accepted unchecked and counted in {@link #unchecked()}, which the point reports as a
 * warning, so a long soak neither fails nor claims a check it did not make. Thread-safe, lock-free.
 */
public final class SeenSet {
    private static final int CHUNK_BITS = 20;
    private static final int CHUNKS = 1 << 12;
    /** Sequence numbers below this are checked. */
    public static final long CAPACITY = (long) CHUNKS << CHUNK_BITS;
    private final AtomicReferenceArray<AtomicLongArray> chunks = new AtomicReferenceArray<>(CHUNKS);
    private final LongAdder unchecked = new LongAdder();

    /**
     * @return true if {@code seq} was not in the set before; true for every {@code seq >= CAPACITY} (counted as unchecked)
     * @throws IllegalArgumentException if {@code seq < 0}
     */
    public boolean add(long seq) {
        if (seq < 0) throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
        if (seq >= CAPACITY) {
            unchecked.increment();
            return true;
        }
        int c = (int) (seq >>> CHUNK_BITS);
        AtomicLongArray chunk = chunks.get(c);
        if (chunk == null) {
            chunks.compareAndSet(c, null, new AtomicLongArray(1 << (CHUNK_BITS - 6)));
            chunk = chunks.get(c);
        }
        int bit = (int) (seq & ((1 << CHUNK_BITS) - 1));
        long mask = 1L << (bit & 63);
        return (chunk.getAndAccumulate(bit >>> 6, mask, (a, b) -> a | b) & mask) == 0;
    }

    /** How many sequence numbers at or above {@link #CAPACITY} were added without a check. */
    public long unchecked() { return unchecked.sum(); }
}
