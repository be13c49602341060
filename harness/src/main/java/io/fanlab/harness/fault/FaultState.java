package io.fanlab.harness.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live view of which state faults are active now: per stage the latency spikes, the injected error rate and
 * the worker-stall tickets; for the downstream the slowdown and the injected 503 rate. Written by the fault
 * schedule through {@link #activate}, read by work on every item.
 *
 * <h2>Threading and cost</h2>
 * Readers ({@link #stage}, {@link #downstream}, {@link #awaitStall}) do one volatile read of an immutable
 * snapshot and, when no fault is active, compare against an empty constant: a few nanoseconds, no lock, no
 * allocation. Writers ({@link #activate}, {@link ActiveFault#revoke}) are rare; they serialise on a
 * {@link ReentrantLock}, recompute the snapshots from the list of active faults and publish them.
 *
 * <h2>Overlapping faults</h2>
 * Latency spikes apply one after another (each to the items its {@code fraction} selects); injected error rates
 * and 503 rates add up (capped at 1); downstream slowdown factors multiply and added delays add up; stalls keep
 * their own tickets. A fault without a stage applies to every stage (a stall then freezes {@code workers} workers
 * of each stage).
 */
public final class FaultState {
    private final List<String> stageNames;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Contribution> active = new ArrayList<>(); // guarded by lock
    private volatile StageFaults[] stages;
    private volatile DownstreamFaults downstream = DownstreamFaults.NONE;

    /** @param stageNames the scenario's stage names in pipeline order; stage faults name one of them */
    public FaultState(List<String> stageNames) {
        this.stageNames = List.copyOf(stageNames);
        if (this.stageNames.isEmpty()) throw new IllegalArgumentException("stageNames: [] (expected: at least one stage)");
        StageFaults[] none = new StageFaults[this.stageNames.size()];
        Arrays.fill(none, StageFaults.NONE);
        this.stages = none;
    }

    /** A state for stages named {@code s0..s(n-1)}; for tests and single-stage tools. */
    public static FaultState forStages(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) names.add("s" + i);
        return new FaultState(names);
    }

    public List<String> stageNames() { return stageNames; }

    /** Index of the stage named {@code name}, or -1. */
    public int stageIndex(String name) { return stageNames.indexOf(name); }

    /** The faults active now on stage {@code index}; never null ({@link StageFaults#NONE} when none). */
    public StageFaults stage(int index) { return stages[index]; }

    /** The downstream faults active now; never null. */
    public DownstreamFaults downstream() { return downstream; }

    /** True if any fault is applied now. */
    public boolean anyActive() {
        lock.lock();
        try { return !active.isEmpty(); } finally { lock.unlock(); }
    }

    /** Free stall tickets on stage {@code stage} now (0 when no stall is active or all are taken); for gauges and tests. */
    public int freeStallTickets(int stage) {
        int free = 0;
        for (Stall s : stages[stage].stalls) free += Math.max(0, s.free.get());
        return free;
    }

    /**
     * Honours worker-stall tickets: if a stall on this stage has a free ticket, the calling worker takes it and
     * blocks until that stall is revoked, then looks again (another stall may be active). Returns at once when no
     * ticket is free. A worker interrupted while stalled gives its ticket back (if the stall is still active) and
     * throws.
     */
    public void awaitStall(int stage) throws InterruptedException {
        for (;;) {
            Stall[] stalls = stages[stage].stalls;
            if (stalls.length == 0) return;
            Stall taken = null;
            for (Stall s : stalls) {
                if (s.tryTake()) { taken = s; break; }
            }
            if (taken == null) return;
            try {
                taken.ended.await();
            } catch (InterruptedException e) {
                if (taken.ended.getCount() > 0) taken.free.incrementAndGet();
                throw e;
            }
        }
    }

    /**
     * Applies a state fault (LatencySpike, ErrorInjection, Downstream503, DownstreamSlow, WorkerStall) now. The
     * returned handle undoes it: the new snapshot is published before stalled workers are released, so a released
     * worker never sees the revoked stall again.
     *
     * @throws IllegalArgumentException if {@code f} is not a state fault, names an unknown stage or is invalid
     */
    public ActiveFault activate(FaultSpec f) {
        validate(f);
        int stage = stageOf(f);
        Contribution c = switch (f) {
            case FaultSpec.WorkerStall w -> {
                int n = stage < 0 ? stageNames.size() : 1;
                Stall[] stalls = new Stall[n];
                for (int i = 0; i < n; i++) stalls[i] = new Stall(w.workers());
                yield new Contribution(f, stage, stalls);
            }
            case FaultSpec.LatencySpike s -> new Contribution(f, stage, null);
            case FaultSpec.ErrorInjection e -> new Contribution(f, stage, null);
            case FaultSpec.Downstream503 d -> new Contribution(f, -1, null);
            case FaultSpec.DownstreamSlow d -> new Contribution(f, -1, null);
            default -> throw new IllegalArgumentException("fault: " + f.getClass().getSimpleName()
                    + " (expected: a state fault: LatencySpike, ErrorInjection, Downstream503, DownstreamSlow, WorkerStall)");
        };
        lock.lock();
        try {
            active.add(c);
            publish();
        } finally {
            lock.unlock();
        }
        return () -> revoke(c);
    }

    private void revoke(Contribution c) {
        boolean removed;
        lock.lock();
        try {
            removed = active.remove(c);
            if (removed) publish();
        } finally {
            lock.unlock();
        }
        if (removed && c.stalls != null) for (Stall s : c.stalls) s.ended.countDown();
    }

    private int stageOf(FaultSpec f) {
        Optional<String> name = switch (f) {
            case FaultSpec.LatencySpike s -> s.stage();
            case FaultSpec.ErrorInjection e -> e.stage();
            case FaultSpec.WorkerStall w -> w.stage();
            default -> Optional.empty();
        };
        if (name == null || name.isEmpty()) return -1;
        int i = stageIndex(name.get());
        if (i < 0) throw new IllegalArgumentException(kind(f) + ".stage: " + name.get() + " (expected: one of " + stageNames + ")");
        return i;
    }

    /** Recomputes and publishes every snapshot from {@code active}; caller holds the lock. */
    private void publish() {
        StageFaults[] next = new StageFaults[stageNames.size()];
        double factor = 1, rate503 = 0;
        long added = 0;
        for (int i = 0; i < next.length; i++) {
            List<Spike> spikes = new ArrayList<>();
            List<Stall> stalls = new ArrayList<>();
            double error = 0;
            for (Contribution c : active) {
                if (c.stage >= 0 && c.stage != i) continue;
                switch (c.spec) {
                    case FaultSpec.LatencySpike s -> spikes.add(new Spike(s.factor(), s.added().toNanos(), s.fraction()));
                    case FaultSpec.ErrorInjection e -> error += e.rate();
                    case FaultSpec.WorkerStall w -> stalls.add(c.stalls[c.stage >= 0 ? 0 : i]);
                    default -> { }
                }
            }
            next[i] = spikes.isEmpty() && stalls.isEmpty() && error == 0 ? StageFaults.NONE
                    : new StageFaults(spikes.toArray(Spike[]::new), Math.min(1, error), stalls.toArray(Stall[]::new));
        }
        for (Contribution c : active) {
            switch (c.spec) {
                case FaultSpec.Downstream503 d -> rate503 += d.rate();
                case FaultSpec.DownstreamSlow d -> { factor *= d.factor(); added += d.added().toNanos(); }
                default -> { }
            }
        }
        stages = next;
        downstream = factor == 1 && added == 0 && rate503 == 0 ? DownstreamFaults.NONE
                : new DownstreamFaults(factor, added, Math.min(1, rate503));
    }

    static String kind(FaultSpec f) {
        return FaultKind.of(f).yamlName();
    }

    /**
     * Checks a fault's fields, naming them with the fault's kind ({@code latency_spike.factor}). The FaultSpec
     * constructors enforce these rules and some stricter ones (a window's duration > 0), so for a constructed record
     * this never throws; it is kept as a guard and must never be stricter than the records.
     *
     * @throws IllegalArgumentException naming the field, its value and the rule
     */
    static void validate(FaultSpec f) {
        if (f == null) throw new IllegalArgumentException("fault: null (expected: a fault)");
        String k = kind(f);
        nonNegative(k + ".at", f.at());
        nonNegative(k + ".duration", f.duration());
        switch (f) {
            case FaultSpec.LatencySpike s -> {
                positiveFinite(k + ".factor", s.factor());
                nonNegative(k + ".added", s.added());
                probability(k + ".fraction", s.fraction());
            }
            case FaultSpec.ErrorInjection e -> probability(k + ".rate", e.rate());
            case FaultSpec.HotKey h -> probability(k + ".share", h.share());
            case FaultSpec.Downstream503 d -> probability(k + ".rate", d.rate());
            case FaultSpec.DownstreamSlow d -> {
                positiveFinite(k + ".factor", d.factor());
                nonNegative(k + ".added", d.added());
            }
            case FaultSpec.WorkerStall w -> {
                if (w.workers() < 1) throw new IllegalArgumentException(k + ".workers: " + w.workers() + " (expected: >= 1)");
            }
            case FaultSpec.GcPressure g -> {
                if (g.bytesPerSecond() < 1) throw new IllegalArgumentException(k + ".rate: " + g.bytesPerSecond() + "B/s (expected: >= 1B/s)");
            }
            case FaultSpec.CpuHog c -> {
                if (c.threads() < 1) throw new IllegalArgumentException(k + ".threads: " + c.threads() + " (expected: >= 1)");
            }
            case FaultSpec.LoadSpike l -> { // 0 is an outage, applied by the arrival schedule
                if (!(l.factor() >= 0) || Double.isInfinite(l.factor()))
                    throw new IllegalArgumentException(k + ".factor: " + l.factor() + " (expected: finite >= 0)");
            }
            case FaultSpec.Abort a -> { }
        }
    }

    private static void nonNegative(String field, Duration d) {
        if (d == null || d.isNegative()) throw new IllegalArgumentException(field + ": " + d + " (expected: >= 0ms)");
    }

    private static void positiveFinite(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(field + ": " + v + " (expected: > 0 and finite)");
    }

    private static void probability(String field, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(field + ": " + v + " (expected: 0 <= " + field.substring(field.lastIndexOf('.') + 1) + " <= 1)");
    }

    /** One applied state fault; identity matters (two equal specs are two faults). */
    private static final class Contribution {
        final FaultSpec spec;
        final int stage;
        final Stall[] stalls;

        Contribution(FaultSpec spec, int stage, Stall[] stalls) {
            this.spec = spec;
            this.stage = stage;
            this.stalls = stalls;
        }
    }

    /** Stall tickets of one stall fault on one stage. */
    static final class Stall {
        final AtomicInteger free;
        final CountDownLatch ended = new CountDownLatch(1);

        Stall(int workers) { this.free = new AtomicInteger(workers); }

        boolean tryTake() {
            for (;;) {
                int n = free.get();
                if (n <= 0) return false;
                if (free.compareAndSet(n, n - 1)) return true;
            }
        }
    }

    /** One active latency spike: selected items' time becomes {@code t * factor + addedNanos}. */
    public record Spike(double factor, long addedNanos, double fraction) {}

    /** Immutable snapshot of one stage's active faults. */
    public static final class StageFaults {
        public static final StageFaults NONE = new StageFaults(new Spike[0], 0, new Stall[0]);

        private final Spike[] spikes;
        private final double errorRate;
        final Stall[] stalls;

        StageFaults(Spike[] spikes, double errorRate, Stall[] stalls) {
            this.spikes = spikes;
            this.errorRate = errorRate;
            this.stalls = stalls;
        }

        /** Injected failure probability in [0,1] (sum of active injections, capped). */
        public double errorRate() { return errorRate; }

        public boolean hasSpikes() { return spikes.length > 0; }

        /** The active spikes, in activation order (a copy). */
        public List<Spike> spikes() { return List.of(spikes); }

        /**
         * Applies every active spike whose {@code fraction} exceeds {@code draw} (the item's FAULT draw, so the same
         * items are hit at every width), in activation order. Result capped at one hour.
         *
         * @param nanos the item's intrinsic time in nanoseconds
         */
        public long applyLatency(long nanos, double draw) {
            double t = nanos;
            for (Spike s : spikes) {
                if (draw < s.fraction()) t = t * s.factor() + s.addedNanos();
            }
            return t >= 3_600e9 ? 3_600_000_000_000L : Math.round(t);
        }
    }

    /**
     * Immutable snapshot of the downstream's faults.
     *
     * @param factor     multiplier of the requested delay (1 = none)
     * @param addedNanos added to the delay, nanoseconds
     * @param errorRate  injected 503 probability, added to the downstream's base rate
     */
    public record DownstreamFaults(double factor, long addedNanos, double errorRate) {
        public static final DownstreamFaults NONE = new DownstreamFaults(1, 0, 0);

        /** The delay to serve for a requested {@code nanos}, capped at one hour. */
        public long delayNanos(long nanos) {
            double t = nanos * factor + addedNanos;
            return t >= 3_600e9 ? 3_600_000_000_000L : Math.round(t);
        }
    }
}
