package io.fanlab.harness.work;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.StageWork;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.downstream.Downstream;
import io.fanlab.harness.fault.FaultState;
import java.lang.ref.Reference;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Turns a stage's {@link WorkSpec} into the {@link StageWork} that designs run.
 *
 * <h2>What every work does with an item, in order</h2>
 * <ol>
 *   <li>{@code item.markServiceStart(nanoClock)} (first stage and first attempt only; later calls keep it);</li>
 *   <li>honours worker-stall tickets ({@link FaultState#awaitStall}): the stall counts as service time;</li>
 *   <li>reads the stage's active faults once (one volatile read);</li>
 *   <li>draws the intrinsic cost {@code time.sampleNanos(draw(seq, stage, COST))}; if a latency spike is active
 *       and {@code draw(seq, stage, FAULT) < fraction}, the cost becomes {@code cost * factor + added};</li>
 *   <li>does the work for that cost (below);</li>
 *   <li>fails with {@link InjectedFailure} iff {@code draw(seq, stage, ERROR) < errorRate + injected rate} (the
 *       ERROR draw is taken only when that sum is positive).</li>
 * </ol>
 * Work per kind: <b>cpu</b> burns the cost on the worker ({@link CalibratedSpin}); <b>sleep</b> parks the worker
 * for the cost; <b>alloc</b> allocates {@code bytesPerItem} (256 KiB chunks, one byte written per 4 KiB page),
 * burns the cost on the CPU and keeps the bytes reachable until then; <b>http</b> calls the downstream with the cost
 * as the delay to serve and {@code draw(seq, stage, LATENCY)} as its 503 draw (a 503 throws
 * {@link io.fanlab.harness.downstream.DownstreamError}).
 *
 * <h2>Stopping</h2>
 * Blocking work answers interruption with {@link InterruptedException}. CPU work checks {@code cancelled} and the
 * interrupt flag about every 50 us; sleep checks {@code cancelled} at least every 10 ms. Work stopped by
 * {@code cancelled} throws {@link CancellationException}, by interruption {@link InterruptedException}.
 *
 * <p>Threading: the returned work is immutable and thread-safe; it blocks or burns the calling worker thread.
 */
public final class WorkModels {
    /** Longest single park of sleep work, so {@code cancelled} is seen promptly. */
    static final long SLEEP_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final int ALLOC_CHUNK = 256 * 1024;

    private WorkModels() { }

    /**
     * @param spec       the stage's work
     * @param stageIndex the stage's index in the pipeline (draws and faults are per index)
     * @param stageName  the stage's name, for failures
     * @param errorRate  the stage's intrinsic failure probability in [0,1]
     * @param draws      the run's draws (common random numbers)
     * @param faults     the run's live fault state
     * @param downstream the downstream, required for http work, ignored (may be null) otherwise
     * @param nanoClock  clock for {@link Item#markServiceStart}
     * @throws IllegalArgumentException naming the field, if an argument is invalid
     */
    public static StageWork create(WorkSpec spec, int stageIndex, String stageName, double errorRate, Draws draws,
                                   FaultState faults, Downstream downstream, LongSupplier nanoClock) {
        if (spec == null) throw new IllegalArgumentException("work: null (expected: cpu, sleep, alloc or http)");
        if (faults == null) throw new IllegalArgumentException("faults: null (expected: the run's fault state)");
        if (stageIndex < 0 || stageIndex >= faults.stageNames().size())
            throw new IllegalArgumentException("stageIndex: " + stageIndex + " (expected: 0 <= stageIndex < " + faults.stageNames().size() + ")");
        if (!(errorRate >= 0 && errorRate <= 1))
            throw new IllegalArgumentException(stageName + ".errorRate: " + errorRate + " (expected: 0 <= errorRate <= 1)");
        if (draws == null) throw new IllegalArgumentException("draws: null (expected: the run's draws)");
        if (nanoClock == null) throw new IllegalArgumentException("nanoClock: null (expected: a nano clock)");
        Distribution time = switch (spec) {
            case WorkSpec.Cpu c -> c.time();
            case WorkSpec.Sleep s -> s.time();
            case WorkSpec.Alloc a -> {
                if (a.bytesPerItem() < 0)
                    throw new IllegalArgumentException(stageName + ".work.alloc.bytesPerItem: " + a.bytesPerItem() + " (expected: >= 0)");
                yield a.time();
            }
            case WorkSpec.Http h -> {
                if (downstream == null)
                    throw new IllegalArgumentException(stageName + ".work.http: no downstream (expected: the run's downstream for http work)");
                yield h.latency();
            }
        };
        if (time == null) throw new IllegalArgumentException(stageName + ".work.time: null (expected: a distribution)");
        CalibratedSpin spin = spec instanceof WorkSpec.Cpu || spec instanceof WorkSpec.Alloc ? CalibratedSpin.get() : null;
        return new ModelledWork(spec, time, stageIndex, stageName, errorRate, draws, faults, downstream, nanoClock, spin);
    }

    /** The StageWork; package-private so tests can check the cost calculation exactly. */
    static final class ModelledWork implements StageWork {
        private final WorkSpec spec;
        private final Distribution time;
        private final int stage;
        private final String stageName;
        private final double errorRate;
        private final Draws draws;
        private final FaultState faults;
        private final Downstream downstream;
        private final LongSupplier clock;
        private final CalibratedSpin spin;
        @SuppressWarnings("unused") private volatile long sink;

        ModelledWork(WorkSpec spec, Distribution time, int stage, String stageName, double errorRate, Draws draws,
                     FaultState faults, Downstream downstream, LongSupplier clock, CalibratedSpin spin) {
            this.spec = spec;
            this.time = time;
            this.stage = stage;
            this.stageName = stageName;
            this.errorRate = errorRate;
            this.draws = draws;
            this.faults = faults;
            this.downstream = downstream;
            this.clock = clock;
            this.spin = spin;
        }

        @Override
        public void run(Item item, BooleanSupplier cancelled) throws Exception {
            item.markServiceStart(clock.getAsLong());
            faults.awaitStall(stage);
            FaultState.StageFaults f = faults.stage(stage);
            long seq = item.seq();
            int ds = drawStage(stage, item.nextAttempt(stage));
            long cost = costNanos(seq, ds, f);
            switch (spec) {
                case WorkSpec.Cpu c -> burn(cost, cancelled);
                case WorkSpec.Sleep s -> sleep(cost, cancelled);
                case WorkSpec.Alloc a -> allocate(a.bytesPerItem(), seq, cost, cancelled);
                case WorkSpec.Http h -> downstream.call(cost, draws.draw(seq, ds, Draws.LATENCY));
            }
            if (fails(seq, ds, f)) throw new InjectedFailure(stageName, seq);
        }

        /**
         * The stage coordinate of an attempt's draws: the stage itself for the first attempt (common random numbers
         * across widths and designs), a distinct coordinate per retry or hedge so later attempts draw independently.
         */
        static int drawStage(int stage, int attempt) {
            return attempt == 0 ? stage : stage + (Math.min(attempt, 127) << 16);
        }

        /** The item's cost in nanoseconds under the faults {@code f}: intrinsic, then latency spikes. */
        long costNanos(long seq, FaultState.StageFaults f) { return costNanos(seq, stage, f); }

        long costNanos(long seq, int ds, FaultState.StageFaults f) {
            long cost = time.sampleNanos(draws.draw(seq, ds, Draws.COST));
            return f.hasSpikes() ? f.applyLatency(cost, draws.draw(seq, ds, Draws.FAULT)) : cost;
        }

        /** Whether the item fails in this stage under the faults {@code f}. */
        boolean fails(long seq, FaultState.StageFaults f) { return fails(seq, stage, f); }

        boolean fails(long seq, int ds, FaultState.StageFaults f) {
            double rate = errorRate + f.errorRate();
            return rate > 0 && draws.draw(seq, ds, Draws.ERROR) < rate;
        }

        private void burn(long nanos, BooleanSupplier cancelled) throws InterruptedException {
            if (!spin.spin(nanos, cancelled)) stopped();
        }

        private static void stopped() throws InterruptedException {
            if (Thread.interrupted()) throw new InterruptedException("work interrupted");
            throw new CancellationException("work cancelled");
        }

        private static void sleep(long nanos, BooleanSupplier cancelled) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            for (;;) {
                if (Thread.interrupted()) throw new InterruptedException("work interrupted");
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                if (cancelled.getAsBoolean()) throw new CancellationException("work cancelled");
                LockSupport.parkNanos(Math.min(left, SLEEP_SLICE_NANOS));
            }
        }

        private void allocate(long bytes, long seq, long cpuNanos, BooleanSupplier cancelled) throws InterruptedException {
            int chunks = (int) ((bytes + ALLOC_CHUNK - 1) / ALLOC_CHUNK);
            byte[][] held = new byte[chunks][];
            long left = bytes;
            for (int i = 0; i < chunks; i++) {
                int size = (int) Math.min(ALLOC_CHUNK, left);
                byte[] chunk = new byte[size];
                for (int p = 0; p < size; p += 4096) chunk[p] = (byte) (seq + p);
                held[i] = chunk;
                left -= size;
            }
            try {
                burn(cpuNanos, cancelled);
            } finally {
                long sum = 0;
                for (byte[] chunk : held) sum += chunk[0];
                sink = sum;
                Reference.reachabilityFence(held);
            }
        }
    }
}
