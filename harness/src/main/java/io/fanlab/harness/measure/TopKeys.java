package io.fanlab.harness.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The most frequent keys of a stream in bounded memory: the Space-Saving algorithm (Metwally, Agrawal, El Abbadi,
 * "Efficient computation of frequent and top-k elements in data streams", ICDT 2005).
 *
 * <h2>Implementation notes</h2>
 * {@code capacity} counters are kept. A key already counted adds one to its counter; a new key takes a free counter,
 * or else replaces the key with the smallest count {@code min}, starting at {@code min + 1} with error {@code min}.
 * Guarantees: a key's reported {@code count} overestimates its true frequency by at most its {@code error}
 * ({@code count - error <= true <= count}); every key whose true frequency exceeds {@code total / capacity} is
 * among the counters. With fewer distinct keys than counters every count is exact (error 0).
 *
 * <p>Threading: {@link #add} from any thread, under a short lock (the generator thread is the only writer under
 * open load); {@link #top} and {@link #reset} from any thread. Keys below 0 ("no key") are not counted.
 */
public final class TopKeys {
    /** One reported key: {@code count - error <= true count <= count}. */
    public record KeyCount(long key, long count, long error) {}

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, long[]> counters = new HashMap<>(); // key -> {count, error}
    private long total;

    /** @throws IllegalArgumentException if {@code capacity < 1} */
    public TopKeys(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        this.capacity = capacity;
    }

    public void add(long key) {
        if (key < 0) return;
        lock.lock();
        try {
            total++;
            long[] c = counters.get(key);
            if (c != null) {
                c[0]++;
            } else if (counters.size() < capacity) {
                counters.put(key, new long[] {1, 0});
            } else {
                Long minKey = null;
                long min = Long.MAX_VALUE;
                for (Map.Entry<Long, long[]> e : counters.entrySet()) {
                    if (e.getValue()[0] < min) {
                        min = e.getValue()[0];
                        minKey = e.getKey();
                    }
                }
                counters.remove(minKey);
                counters.put(key, new long[] {min + 1, min});
            }
        } finally {
            lock.unlock();
        }
    }

    /** Items counted (keys >= 0) since the last reset. */
    public long total() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** The {@code n} keys with the highest counts, highest first (ties by key), and optionally resets. */
    public List<KeyCount> top(int n, boolean reset) {
        lock.lock();
        try {
            List<KeyCount> all = new ArrayList<>(counters.size());
            counters.forEach((k, c) -> all.add(new KeyCount(k, c[0], c[1])));
            all.sort(Comparator.comparingLong(KeyCount::count).reversed().thenComparingLong(KeyCount::key));
            if (reset) {
                counters.clear();
                total = 0;
            }
            return List.copyOf(all.subList(0, Math.min(n, all.size())));
        } finally {
            lock.unlock();
        }
    }
}
