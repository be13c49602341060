package io.fanlab.engine.resilience;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what an {@link AttemptRunner} did, for a stage's metrics. Writers are the attempt runner on many
 * worker threads ({@link LongAdder}s, contention-free); {@link #snapshot()} may be called from any thread and is not
 * atomic across counters (each value is exact, they may be read at slightly different moments).
 */
public final class AttemptLedger {
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder hedgesSent = new LongAdder();
    private final LongAdder hedgesWon = new LongAdder();
    private final LongAdder hedgeLosersCancelled = new LongAdder();
    private final LongAdder retriesDeniedByBudget = new LongAdder();
    private final LongAdder hedgesDeniedByBudget = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder hedgesDeniedByLimit = new LongAdder();
    private final LagBuckets fireLag = new LagBuckets();
    private final LagBuckets timerLag = new LagBuckets();

    /** A {@link FireLag} being recorded: LongAdder buckets, a sum and a max. */
    private static final class LagBuckets {
        final LongAdder[] buckets = new LongAdder[FireLag.BOUNDS_MICROS.length + 1];
        final LongAdder sum = new LongAdder();
        final AtomicLong max = new AtomicLong();

        LagBuckets() {
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }

        void record(long lagNanos) {
            long lag = Math.max(0, lagNanos);
            long micros = lag / 1_000;
            int i = 0;
            while (i < FireLag.BOUNDS_MICROS.length && micros >= FireLag.BOUNDS_MICROS[i]) i++;
            buckets[i].increment();
            sum.add(lag);
            if (lag > max.get()) max.accumulateAndGet(lag, Math::max);
        }

        FireLag snapshot() {
            long[] b = new long[buckets.length];
            long n = 0;
            for (int i = 0; i < b.length; i++) n += b[i] = buckets[i].sum();
            return new FireLag(n, sum.sum(), max.get(), b);
        }
    }

    /**
     * @param attempts              attempts started: first attempts plus retries (hedges are counted only in
     *                              {@code hedgesSent})
     * @param retries               retries started
     * @param hedgesSent            hedged duplicates started
     * @param hedgesWon             hedges whose result won the race
     * @param hedgeLosersCancelled  attempts cancelled because the other one of a hedged pair won
     * @param retriesDeniedByBudget retries not made because the retry budget was empty
     * @param hedgesDeniedByBudget  hedges not sent because the hedge budget was empty
     * @param timeouts              attempts (primary or hedge) cancelled by the per-attempt timeout
     * @param hedgesDeniedByLimit   hedges not sent because the stage's concurrency limit had no free permit
     * @param hedgeFireLag          how late hedges started: from the intended instant (primary start + delay) to
     *                              the hedge's work starting on its thread
     * @param hedgeTimerLag         the timer's part of it: from the intended instant to the timer task deciding
     *                              the hedge (every hedge deadline that fired, sent or denied); the rest of
     *                              {@code hedgeFireLag} is the hedge thread's start
     */
    public record Snapshot(long attempts, long retries, long hedgesSent, long hedgesWon, long hedgeLosersCancelled,
                           long retriesDeniedByBudget, long hedgesDeniedByBudget, long timeouts,
                           long hedgesDeniedByLimit, FireLag hedgeFireLag, FireLag hedgeTimerLag) {
        /** Nothing counted (a stage without attempt policies). */
        public static final Snapshot NONE = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0,
                new FireLag(0, 0, 0, new long[FireLag.BOUNDS_MICROS.length + 1]),
                new FireLag(0, 0, 0, new long[FireLag.BOUNDS_MICROS.length + 1]));
    }

    /**
     * A distribution of hedge firing errors (actual start minus intended, >= 0), in fixed buckets.
     *
     * @param count    hedges measured
     * @param sumNanos sum of their errors
     * @param maxNanos the largest error
     * @param buckets  {@code buckets[i]} counts errors {@code < BOUNDS_MICROS[i]} us and {@code >=} the bound
     *                 before; the last counts errors {@code >=} the last bound
     */
    public record FireLag(long count, long sumNanos, long maxNanos, long[] buckets) {
        /** Upper bounds of the buckets, in microseconds. */
        public static final long[] BOUNDS_MICROS = {25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000};

        public FireLag { buckets = buckets.clone(); }

        /** Mean error in nanoseconds (0 when nothing was measured). */
        public double meanNanos() { return count == 0 ? 0 : sumNanos / (double) count; }

        /** Share of hedges that started less than {@code micros} late; {@code micros} must be one of the bounds. */
        public double shareWithinMicros(long micros) {
            if (count == 0) return 1;
            long n = 0;
            for (int i = 0; i < BOUNDS_MICROS.length && BOUNDS_MICROS[i] <= micros; i++) n += buckets[i];
            return n / (double) count;
        }

        /**
         * An upper bound of the {@code p}-th percentile in microseconds: the bound of the bucket holding that rank
         * ({@code Long.MAX_VALUE} in the last bucket; 0 when nothing was measured).
         */
        public long percentileUpperMicros(double p) {
            if (count == 0) return 0;
            long rank = (long) Math.ceil(p / 100 * count);
            long seen = 0;
            for (int i = 0; i < buckets.length; i++) {
                seen += buckets[i];
                if (seen >= rank) return i < BOUNDS_MICROS.length ? BOUNDS_MICROS[i] : Long.MAX_VALUE;
            }
            return Long.MAX_VALUE;
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(attempts.sum(), retries.sum(), hedgesSent.sum(), hedgesWon.sum(), hedgeLosersCancelled.sum(),
                retriesDeniedByBudget.sum(), hedgesDeniedByBudget.sum(), timeouts.sum(), hedgesDeniedByLimit.sum(),
                fireLag.snapshot(), timerLag.snapshot());
    }

    void attempt() { attempts.increment(); }
    void retry() { retries.increment(); }
    void hedgeSent() { hedgesSent.increment(); }
    void hedgeWon() { hedgesWon.increment(); }
    void hedgeLoserCancelled() { hedgeLosersCancelled.increment(); }
    void retryDeniedByBudget() { retriesDeniedByBudget.increment(); }
    void hedgeDeniedByBudget() { hedgesDeniedByBudget.increment(); }
    void timeout() { timeouts.increment(); }
    void hedgeDeniedByLimit() { hedgesDeniedByLimit.increment(); }

    /** Records one hedge's firing error in nanoseconds (negative values count as 0). */
    void hedgeFired(long lagNanos) { fireLag.record(lagNanos); }

    /** Records how late the timer ran one hedge deadline, in nanoseconds. */
    void hedgeTimerFired(long lagNanos) { timerLag.record(lagNanos); }

    @Override public String toString() { return snapshot().toString(); }
}
