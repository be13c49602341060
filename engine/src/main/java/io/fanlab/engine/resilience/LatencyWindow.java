package io.fanlab.engine.resilience;

import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A live percentile of the last {@code capacity} recorded latencies (a ring buffer), for hedging delays.
 *
 * <p>Percentile: nearest rank over the samples in the ring, {@code sorted[ceil(p/100 * n) - 1]}; empty until
 * {@code minSamples} samples were recorded.
 *
 * <p>Cost: {@link #record} is one atomic increment and one array write, wait-free. A percentile is computed by
 * copying and sorting the ring, O(capacity log capacity) (about 10-30 us for 1024), and then cached: a query
 * recomputes only when at least {@code capacity / 16} samples arrived since the cached value or {@code p} changed,
 * so its amortised cost is a volatile read plus about 1/64 of a sort per sample.
 *
 * <p>Threading: any number of threads may record and query concurrently. A query racing with writers sees each
 * slot either before or after a write (every value it sorts is a real sample), so the result is approximate only
 * in which of the most recent samples it includes.
 */
public final class LatencyWindow {
    /** Default ring size. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** Default samples needed before a percentile is given. */
    public static final int DEFAULT_MIN_SAMPLES = 20;

    private record Cached(double p, long atCount, long value) {}

    private final AtomicLongArray ring;
    private final int capacity;
    private final int minSamples;
    private final long refreshEvery;
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    public LatencyWindow() { this(DEFAULT_CAPACITY, DEFAULT_MIN_SAMPLES); }

    /**
     * @param capacity   samples kept, >= 1
     * @param minSamples samples needed before a percentile is given, in 1..capacity
     */
    public LatencyWindow(int capacity, int minSamples) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        if (minSamples < 1 || minSamples > capacity)
            throw new IllegalArgumentException("minSamples: " + minSamples + " (expected: 1.." + capacity + ")");
        this.ring = new AtomicLongArray(capacity);
        this.capacity = capacity;
        this.minSamples = minSamples;
        this.refreshEvery = Math.max(1, capacity / 16);
    }

    /** Records one latency in nanoseconds (negative values are recorded as 0). */
    public void record(long nanos) {
        long i = count.getAndIncrement();
        ring.set((int) (i % capacity), Math.max(0, nanos));
    }

    /** Samples recorded since creation. */
    public long count() { return count.get(); }

    /**
     * The {@code p}-th percentile of the samples in the window, or empty while fewer than {@code minSamples}
     * were recorded. May lag by up to {@code capacity / 16} samples (see class notes).
     *
     * @param p in (0, 100]
     */
    public OptionalLong percentileNanos(double p) {
        if (!(p > 0 && p <= 100)) throw new IllegalArgumentException("p: " + p + " (expected: 0 < p <= 100)");
        long n = count.get();
        if (n < minSamples) return OptionalLong.empty();
        Cached c = cached.get();
        if (c != null && c.p() == p && n - c.atCount() < refreshEvery) return OptionalLong.of(c.value());
        int size = (int) Math.min(n, capacity);
        long[] copy = new long[size];
        for (int i = 0; i < size; i++) copy[i] = ring.get(i);
        Arrays.sort(copy);
        int rank = (int) Math.ceil(p / 100 * size);
        long value = copy[Math.max(0, Math.min(size, rank) - 1)];
        cached.set(new Cached(p, n, value));
        return OptionalLong.of(value);
    }
}
