package io.fanlab.harness.design;

import java.time.Duration;

/**
 * A design running for one sweep point. Threading: {@link #submit} is called by the harness's single generator
 * thread (open load) or by many user threads (closed load); {@link #gauges} by the sampler thread; close and
 * cancel once, by the runner thread, after the last submit.
 */
public interface RunningDesign {
    /**
     * Hands an item to the design. May block (back-pressure); a design that sheds reports the item as SHED
     * through {@link Completions} and returns. A design that declares {@link Policy#CANCEL} registers the item's
     * cancel handle ({@link Item#onCancel}) here, before it hands the item on.
     */
    void submit(Item item) throws InterruptedException;

    /** Current gauges; cheap, called about every 100 ms. Use -1 for what the design does not know. */
    Gauges gauges();

    /** Stops taking input, finishes everything admitted, stops all threads. @return true if done within the deadline */
    boolean close(Duration deadline) throws InterruptedException;

    /**
     * Stops promptly: in-flight items end CANCELLED, queued ones too; all threads stop. Returns within
     * {@code bound} even if some work ignores interruption; such items are listed as stuck.
     */
    CancelResult cancel(Duration bound) throws InterruptedException;

    /** Retry and hedge counters since start, of designs that have such policies; -1 for unknown. Cheap; called by the sampler thread every second and once after cancel. */
    default PolicyCounters policyCounters() { return PolicyCounters.UNKNOWN; }

    /**
     * Per-worker counters of each stage that has fixed workers, since start (an empty list when the design has no
     * such workers: a pool or a thread per item). Cheap; called by the sampler thread every second.
     */
    default java.util.List<StageWorkers> workers() { return java.util.List.of(); }

    /**
     * One stage's workers: items taken and busy nanoseconds per worker index, since start.
     *
     * @param items     items each worker took, by worker index
     * @param busyNanos time each worker spent not waiting for items, by worker index
     */
    record StageWorkers(String stage, java.util.List<Long> items, java.util.List<Long> busyNanos) {
        public StageWorkers {
            items = java.util.List.copyOf(items);
            busyNanos = java.util.List.copyOf(busyNanos);
        }
    }

    /**
     * Counters of attempt policies, summed over stages; -1 (or null for the hedge firing error) when the design
     * does not count them.
     *
     * @param hedgeLosersCancelled attempts cancelled because the other one of a hedged pair won
     * @param hedgesDeniedByBudget hedges not sent: the hedge budget was empty
     * @param hedgesDeniedByLimit  hedges not sent: the concurrency limit had no free permit
     * @param hedgeFire            how late hedges started (actual start minus primary start + delay), or null
     * @param hedgeTimer            the timer's part: how late hedge deadlines were run (sent or denied), or null
     */
    record PolicyCounters(long retries, long hedges, long hedgesWon, long hedgeLosersCancelled, long hedgesDeniedByBudget,
                          long hedgesDeniedByLimit, HedgeFire hedgeFire, HedgeFire hedgeTimer) {
        public static final PolicyCounters UNKNOWN = new PolicyCounters(-1, -1, -1);

        /** Retry and hedge counts only. */
        public PolicyCounters(long retries, long hedges, long hedgesWon) {
            this(retries, hedges, hedgesWon, -1, -1, -1, null, null);
        }
    }

    /**
     * A distribution of hedge firing errors in fixed buckets.
     *
     * @param boundsMicros upper bounds of the buckets but the last, in microseconds
     * @param counts       per bucket (one more than the bounds: the last counts errors at or above the last bound)
     */
    record HedgeFire(long count, double meanMicros, double maxMicros, java.util.List<Long> boundsMicros, java.util.List<Long> counts) {
        public HedgeFire {
            boundsMicros = java.util.List.copyOf(boundsMicros);
            counts = java.util.List.copyOf(counts);
        }

        /** Share of hedges that started less than {@code micros} late ({@code micros} one of the bounds); 1 when none. */
        public double shareBelowMicros(long micros) {
            if (count == 0) return 1;
            long n = 0;
            for (int i = 0; i < boundsMicros.size() && boundsMicros.get(i) <= micros; i++) n += counts.get(i);
            return n / (double) count;
        }

        /** Upper bound of the {@code p}-th percentile: the bound of its bucket (-1 in the open last bucket, 0 when none). */
        public long percentileUpperMicros(double p) {
            if (count == 0) return 0;
            long rank = (long) Math.ceil(p / 100 * count), seen = 0;
            for (int i = 0; i < counts.size(); i++) {
                seen += counts.get(i);
                if (seen >= rank) return i < boundsMicros.size() ? boundsMicros.get(i) : -1;
            }
            return -1;
        }
    }

    /** Gauges sampled during the run. */
    record Gauges(long queueDepth, long inflight, long limit, long reorderDepth) {
        public static final Gauges UNKNOWN = new Gauges(-1, -1, -1, -1);
    }

    /** @param stuckItems items whose work did not end within the bound (reported, not forgotten) */
    record CancelResult(Duration elapsed, long stuckItems) {}
}
