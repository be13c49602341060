package io.fanlab.harness.probe;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A concurrent set of item sequence numbers, to prove "nothing duplicated": {@link #add} returns false when the
 * number was already present. Bits in lazily allocated 1 Mi-bit chunks (128 KiB each); one CAS loop per add.
 * Supports sequence numbers up to 2^32. Thread-safe, lock-free.
 */
public final class SeenSet {
    private static final int CHUNK_BITS = 20;
    private static final int CHUNKS = 1 << 12;
    private final AtomicReferenceArray<AtomicLongArray> chunks = new AtomicReferenceArray<>(CHUNKS);

    /** @return true if {@code seq} was not in the set before */
    public boolean add(long seq) {
        if (seq < 0 || seq >= ((long) CHUNKS << CHUNK_BITS)) throw new IllegalArgumentException("seq: " + seq + " (expected: 0..2^32-1)");
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
}
