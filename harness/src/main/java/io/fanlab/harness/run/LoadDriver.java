package io.fanlab.harness.run;

import io.fanlab.harness.measure.CompletionSink;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.load.ArrivalSchedule;
import io.fanlab.harness.load.ClosedLoadGenerator;
import io.fanlab.harness.load.GeneratorStats;
import io.fanlab.harness.load.ItemSink;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.load.OpenLoadGenerator;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.stream.ItemStream;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives a point's load: the open generator on its own thread or the closed model's users, wrapped so that every
 * item is counted as offered, gets its first hand-off time, and (for scatter-gather) becomes k items of one
 * request. Time spent blocked in {@code submit} is measured separately from the generator's own lag, so that
 * back-pressure from the design is not mistaken for a generator that cannot keep up.
 */
abstract class LoadDriver implements AutoCloseable {

    /** The generator's figures plus the share of the run it spent blocked by the design. */
    record Stats(Double intendedRate, double lagP50Us, double lagP99Us, double lagMaxUs, long missedStarts, boolean fellBehind,
                 double blockedShare, String summary, long notStarted) {
        static Stats of(GeneratorStats g, Double intendedRate, double blockedShare) {
            return new Stats(intendedRate, g.lagP50Us(), g.lagP99Us(), g.lagMaxUs(), g.missedStarts(), g.fellBehind(), blockedShare, g.summary(),
                    g.notStarted());
        }
    }

    final Scenario scenario;
    final ItemStream stream;
    final long runStart;
    final int k;
    final CompletionSink t;
    final RunningDesign running;
    final LongAdder blockedNanos = new LongAdder();
    /** A submit that takes longer than this was blocked by the design (a full queue), not just slow. */
    static final long BLOCKED_NANOS = 1_000_000;

    LoadDriver(Scenario scenario, ItemStream stream, long runStart, int k, CompletionSink t, RunningDesign running) {
        this.scenario = scenario;
        this.stream = stream;
        this.runStart = runStart;
        this.k = k;
        this.t = t;
        this.running = running;
    }

    static LoadDriver create(Scenario s, ItemStream stream, long runStart, int k, CompletionSink t, RunningDesign running) {
        return s.load() instanceof LoadSpec.Open ? new Open(s, stream, runStart, k, t, running) : new Closed(s, stream, runStart, k, t, running);
    }

    /** Runs the load until {@code endOffsetNanos} after the run's start; returns the generator's figures. */
    abstract Stats run(long endOffsetNanos) throws InterruptedException;

    abstract Stats statsSoFar();

    Scenario s() { return scenario; }

    /** Width of the first stage, or 0: items submitted while fewer are in flight are flagged {@link Item#markFreeWorker}. */
    private int handoffWidth;

    /** Flags items that find fewer than {@code firstStageWidth} items in flight at submit (the hand-off figure). */
    void flagFreeWorkerBelow(int firstStageWidth) { this.handoffWidth = firstStageWidth; }

    /** Called from the completion sink for every terminal item. */
    void completed(Item item) {}

    @Override public void close() throws InterruptedException {}

    Item item(long seq, long intended) {
        return new Item(seq, seq / k, stream.key(seq, intended - runStart), stream.tenant(seq), intended);
    }

    /** Offers one item: tells the sink (which counts it), stamps its hand-off, measures time blocked in the design's submit. */
    void offer(Item item) throws InterruptedException {
        if (handoffWidth > 0 && t.inFlight() < handoffWidth) item.markFreeWorker(); // before submitted() counts it
        t.submitted(item);
        long before = System.nanoTime();
        item.markHandoff(before);
        running.submit(item);
        long took = System.nanoTime() - before;
        // only waits long enough to be back-pressure count; the cost of a normal submit is the generator's own lag
        if (took > BLOCKED_NANOS) blockedNanos.add(took);
    }

    /** A request: k consecutive items sharing the intended start. */
    void offerRequest(long request, long intended) throws InterruptedException {
        for (int j = 0; j < k; j++) offer(item(request * k + j, intended));
    }

    double blockedShare(long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : Math.min(1, blockedNanos.sum() / (double) elapsedNanos);
    }

    static final class Open extends LoadDriver {
        /**
         * A start more than this late counts as missed. The generator never drops an arrival and responses count from
         * intended starts, so lateness cannot hide latency; it only bunches arrivals. 10 ms marks a material
         * distortion of the arrival process on a busy 2-core box, where 1-5 ms scheduling hiccups are routine.
         */
        static final java.time.Duration MISSED_START = java.time.Duration.ofMillis(10);
        private final OpenLoadGenerator generator = new OpenLoadGenerator(MISSED_START);
        private final ArrivalSchedule schedule;
        private final Double rate;
        /** Trace replay: the recorded arrivals, whose keys (where recorded) replace the seeded ones; else null. */
        private final io.fanlab.harness.load.RecordedTrace trace;

        Open(Scenario s, ItemStream stream, long runStart, int k, CompletionSink t, RunningDesign running) {
            super(s, stream, runStart, k, t, running);
            LoadSpec.Open open = (LoadSpec.Open) s.load();
            List<FaultSpec.LoadSpike> spikes = s.faults().stream().filter(f -> f instanceof FaultSpec.LoadSpike).map(f -> (FaultSpec.LoadSpike) f).toList();
            this.schedule = ArrivalSchedule.of(open.arrival(), s.seed(), spikes);
            this.trace = open.arrival() instanceof LoadSpec.Arrival.Trace tr ? tr.trace() : null;
            Object rate = InProcessPointExecutor.loadInfo(s).get("offered_rate");
            this.rate = rate == null ? null : ((Number) rate).doubleValue();
        }

        /**
         * Ends on time: the generator hands over no arrival after the window's end (plus the missed-start threshold);
         * the rest are counted as not started ({@link GeneratorStats#notStarted()}, times k items per request).
         */
        @Override Stats run(long endOffsetNanos) throws InterruptedException {
            // the generator makes one item per arrival (seq = request index); the sink expands it into k items
            ItemSink sink = k == 1 ? this::offer : first -> offerRequest(first.seq(), first.intendedStartNanos());
            // lag is judged over the measured window only: the warmup is where the JIT settles
            generator.judgeLagFrom(s().phases().warmup().toNanos());
            GeneratorStats g = generator.run(schedule, runStart, endOffsetNanos, (seq, intended) -> k == 1 ? item(seq, intended)
                    : new Item(seq, seq, -1, 0, intended), sink, System::nanoTime);
            return Stats.of(k == 1 ? g : g.withNotStarted(g.notStarted() * k), rate, blockedShare(endOffsetNanos));
        }

        /** Request {@code seq / k} is trace row {@code seq / k}: its recorded key, when it has one, for all k items. */
        @Override Item item(long seq, long intended) {
            long request = seq / k;
            long key = trace == null || request >= trace.size() ? io.fanlab.harness.load.RecordedTrace.NO_KEY : trace.key((int) request);
            return key == io.fanlab.harness.load.RecordedTrace.NO_KEY ? super.item(seq, intended)
                    : new Item(seq, request, key, stream.tenant(seq), intended);
        }

        @Override Stats statsSoFar() {
            return new Stats(rate, 0, 0, 0, 0, false, 0, "generator stopped early", 0);
        }

        @Override public void close() { generator.stop(); }
    }

    static final class Closed extends LoadDriver {
        private final ClosedLoadGenerator generator;

        Closed(Scenario s, ItemStream stream, long runStart, int k, CompletionSink t, RunningDesign running) {
            super(s, stream, runStart, k, t, running);
            LoadSpec.Closed c = (LoadSpec.Closed) s.load();
            this.generator = new ClosedLoadGenerator(c.users(), c.think(), stream);
        }

        @Override Stats run(long endOffsetNanos) throws InterruptedException {
            GeneratorStats g = generator.run(runStart, endOffsetNanos, this::item, this::offer, System::nanoTime);
            return Stats.of(g, null, 0);
        }

        @Override Stats statsSoFar() { return new Stats(null, 0, 0, 0, 0, false, 0, "generator stopped early", 0); }

        @Override void completed(Item item) { generator.completed(item); }

        @Override public void close() throws InterruptedException { generator.stop(); }
    }
}
