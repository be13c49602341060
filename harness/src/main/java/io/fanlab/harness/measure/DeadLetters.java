package io.fanlab.harness.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first {@code limit} dead-lettered items of a point, kept for {@code points/<id>/dead-letters.jsonl}; the
 * rest are counted in {@link #dropped()} (the point's {@code dead_lettered} count stays exact). Thread-safe,
 * lock-free.
 */
public final class DeadLetters {
    /**
     * One dead letter.
     *
     * @param seq      the item's sequence in the offered stream
     * @param key      its key, or -1
     * @param cause    the cause's class and message, or null when the design gave none
     * @param attempts work calls started for the item in the stage where it ended (first try, retries, hedges)
     */
    public record Letter(long seq, long key, String cause, int attempts) {}

    private final int limit;
    private final AtomicLong seen = new AtomicLong();
    private final ConcurrentLinkedQueue<Letter> kept = new ConcurrentLinkedQueue<>();

    /** @throws IllegalArgumentException if {@code limit < 0} */
    public DeadLetters(int limit) {
        if (limit < 0) throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        this.limit = limit;
    }

    public void add(long seq, long key, Throwable cause, int attempts) {
        if (seen.getAndIncrement() < limit) kept.add(new Letter(seq, key, describe(cause), attempts));
    }

    /** Kept letters, in no particular order across threads (sort by seq to compare). */
    public List<Letter> kept() { return new ArrayList<>(kept); }

    public long total() { return seen.get(); }

    public long dropped() { return Math.max(0, seen.get() - limit); }

    static String describe(Throwable t) {
        if (t == null) return null;
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
    }
}
