package io.fanlab.engine.internal;

import io.fanlab.engine.spec.Admission;

/**
 * A stage's full-queue policy, decided once from the sealed {@link Admission.Overflow} when the stage is built, so
 * that every {@link StageQueue} applies the same rule without re-testing the policy's type per item.
 *
 * <p>Two questions per offer: {@link #shedEarly} before the item is added (probabilistic early drop, RED-style: 0
 * below the threshold fill, rising linearly to 1 at a full queue), and {@link #whenFull} once the queue has no room.
 * Loop re-entries ({@code reentry}) are never shed early; what a queue does with a re-entry that finds it full is the
 * queue's rule (admitted over capacity), not the policy's. Immutable; safe to share between threads.
 */
final class OverflowDecision {
    /** What an offer does when the queue is full. */
    enum WhenFull {
        /** The producer waits for room (BLOCK). */
        WAIT,
        /** The oldest queued item is shed to make room (DROP_OLDEST). */
        DROP_OLDEST,
        /** The arriving item is shed (DROP_NEWEST, PROBABILISTIC). */
        SHED_ARRIVING
    }

    final WhenFull whenFull;
    /** The fill share from which arrivals are shed early; above 1 (never) unless probabilistic. */
    private final double threshold;

    private OverflowDecision(WhenFull whenFull, double threshold) {
        this.whenFull = whenFull;
        this.threshold = threshold;
    }

    static OverflowDecision of(Admission.Overflow overflow) {
        return switch (overflow) {
            case Admission.Overflow.Block b -> new OverflowDecision(WhenFull.WAIT, 2.0);
            case Admission.Overflow.DropOldest d -> new OverflowDecision(WhenFull.DROP_OLDEST, 2.0);
            case Admission.Overflow.DropNewest d -> new OverflowDecision(WhenFull.SHED_ARRIVING, 2.0);
            case Admission.Overflow.Probabilistic p -> new OverflowDecision(WhenFull.SHED_ARRIVING, p.threshold());
        };
    }

    /** Whether {@link #shedEarly} can ever say yes (a probabilistic policy): else a queue need not read its fill per offer. */
    boolean mayShedEarly() { return threshold < 1.0; }

    /** Whether producers wait for room (BLOCK): only then may a run of items be offered in one claim. */
    boolean blocks() { return whenFull == WhenFull.WAIT; }

    /**
     * Whether an arriving item is shed before it is added, at this fill.
     * @param size     items queued now (a snapshot)
     * @param capacity the queue's capacity (> 0)
     * @param uniform  a uniform draw in [0, 1) (the caller's random source; tests pass fixed values)
     * @return true with probability {@code (fill - threshold) / (1 - threshold)} once {@code fill >= threshold}
     *         (never at threshold 1.0, where only a full queue sheds), false below it and for re-entries
     */
    boolean shedEarly(int size, int capacity, boolean reentry, double uniform) {
        return uniform < dropProbability(size, capacity, reentry);
    }

    /**
     * As {@link #shedEarly(int, int, boolean, double)}, drawing from {@code draws} only when the outcome is uncertain
     * ({@code 0 < drop < 1}): no draw below the threshold, at a full queue, or for a policy that never sheds early,
     * so a seeded source's draws go only to the offers they decide.
     */
    boolean shedEarly(int size, int capacity, boolean reentry, StageQueue.Host draws) {
        double drop = dropProbability(size, capacity, reentry);
        return drop > 0 && (drop >= 1 || draws.uniform() < drop);
    }

    private double dropProbability(int size, int capacity, boolean reentry) {
        if (reentry || threshold >= 1.0) return 0;
        double fill = (double) size / capacity;
        return fill < threshold ? 0 : Math.min(1.0, (fill - threshold) / (1.0 - threshold));
    }
}
