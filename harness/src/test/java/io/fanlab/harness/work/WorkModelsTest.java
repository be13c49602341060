package io.fanlab.harness.work;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.StageWork;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.downstream.DownstreamError;
import io.fanlab.harness.downstream.LoopbackDownstream;
import io.fanlab.harness.fault.ActiveFault;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.fault.FaultState;
import io.fanlab.harness.scenario.DownstreamSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.*;
import net.jqwik.api.constraints.*;
import org.junit.jupiter.api.Test;

class WorkModelsTest {
    static final long MS = 1_000_000;
    static final Duration HOUR = Duration.ofHours(1);
    static final Distribution UNIFORM_0_40MS = new Distribution.Uniform(Duration.ZERO, Duration.ofMillis(40));

    /** Draws set per purpose (same for every item and stage), recording every request. */
    static final class FixedDraws implements Draws {
        final Map<Integer, Double> byPurpose = new ConcurrentHashMap<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        FixedDraws set(int purpose, double u) { byPurpose.put(purpose, u); return this; }

        @Override public double draw(long seq, int stage, int purpose) {
            asked.add(seq + "/" + stage + "/" + purpose);
            return byPurpose.getOrDefault(purpose, 0.5);
        }
    }

    final FaultState faults = new FaultState(List.of("parse", "enrich"));

    WorkModels.ModelledWork sleepWork(Distribution d, double errorRate, Draws draws) {
        return (WorkModels.ModelledWork) WorkModels.create(new WorkSpec.Sleep(d), 1, "enrich", errorRate, draws, faults, null, () -> 42L);
    }

    static Item item(long seq) { return new Item(seq, seq, -1, 0, 0); }

    @Test
    void retriesAndHedgesDrawAfreshWhileTheFirstAttemptKeepsTheCommonDraw() throws Exception {
        FixedDraws draws = new FixedDraws().set(Draws.COST, 0.0);
        var w = sleepWork(new Distribution.Constant(Duration.ZERO), 0.0, draws);
        Item it = item(9);
        w.run(it, () -> false); // attempt 0 in stage 1
        w.run(it, () -> false); // attempt 1 (a retry or a hedge)
        w.run(it, () -> false); // attempt 2
        assertThat(draws.asked).filteredOn(a -> a.endsWith("/" + Draws.COST))
                .containsExactly("9/1/0", "9/" + (1 + (1 << 16)) + "/0", "9/" + (1 + (2 << 16)) + "/0");
        // a new stage starts numbering again at 0
        assertThat(it.nextAttempt(0)).isZero();
        assertThat(it.nextAttempt(0)).isEqualTo(1);
    }

    @Test
    void costIsTheCommonRandomNumberThroughTheDistributionAndSpikesHitOnlySelectedItems() {
        FixedDraws draws = new FixedDraws().set(Draws.COST, 0.25).set(Draws.FAULT, 0.2);
        var w = sleepWork(UNIFORM_0_40MS, 0, draws);
        assertThat(w.costNanos(7, faults.stage(1))).isEqualTo(10 * MS);
        assertThat(draws.asked).containsExactly("7/1/" + Draws.COST); // no FAULT draw while no spike is active
        ActiveFault spike = faults.activate(new FaultSpec.LatencySpike(Duration.ZERO, HOUR, 3, Duration.ofMillis(2), 0.3, Optional.of("enrich")));
        assertThat(w.costNanos(7, faults.stage(1))).isEqualTo(32 * MS);
        draws.set(Draws.FAULT, 0.3);
        assertThat(w.costNanos(7, faults.stage(1))).isEqualTo(10 * MS);
        spike.revoke();
        draws.set(Draws.FAULT, 0.0);
        assertThat(w.costNanos(7, faults.stage(1))).isEqualTo(10 * MS);
    }

    /** An item fails iff its ERROR draw < errorRate + injected rate, for every draw and rate. */
    @Property(tries = 200)
    void failureIsExactlyTheDrawBelowTheRate(@ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u,
                                             @ForAll @DoubleRange(min = 0, max = 0.5) double base,
                                             @ForAll @DoubleRange(min = 0, max = 0.5) double injected) {
        FaultState state = FaultState.forStages(1);
        FixedDraws draws = new FixedDraws().set(Draws.ERROR, u);
        var w = (WorkModels.ModelledWork) WorkModels.create(new WorkSpec.Sleep(UNIFORM_0_40MS), 0, "s0", base, draws, state, null, () -> 0L);
        ActiveFault a = state.activate(new FaultSpec.ErrorInjection(Duration.ZERO, HOUR, injected, Optional.empty()));
        assertThat(w.fails(3, state.stage(0))).isEqualTo(u < Math.min(1, base + injected));
        a.revoke();
        assertThat(w.fails(3, state.stage(0))).isEqualTo(u < base);
    }

    @Test
    void sleepWorkMarksServiceStartSleepsTheCostAndThrowsInjectedFailure() throws Exception {
        FixedDraws draws = new FixedDraws().set(Draws.COST, 0.5).set(Draws.ERROR, 0.05);
        StageWork w = sleepWork(UNIFORM_0_40MS, 0.1, draws);
        Item item = item(9);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> w.run(item, () -> false)).isInstanceOfSatisfying(InjectedFailure.class, f -> {
            assertThat(f.seq()).isEqualTo(9);
            assertThat(f.stage()).isEqualTo("enrich");
        });
        assertThat(System.nanoTime() - t0).as("the failing item still costs its time").isGreaterThanOrEqualTo(20 * MS);
        assertThat(item.serviceStartNanos()).isEqualTo(42);
        draws.set(Draws.ERROR, 0.1);
        assertThatCode(() -> w.run(item(10), () -> false)).doesNotThrowAnyException();
    }

    @Test
    void sleepAnswersCancelAndInterrupt() throws Exception {
        StageWork w = sleepWork(new Distribution.Constant(HOUR), 0, new FixedDraws());
        assertThatThrownBy(() -> w.run(item(1), () -> true)).isInstanceOf(CancellationException.class);
        var thrown = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        CountDownLatch started = new CountDownLatch(1);
        Thread worker = Thread.ofPlatform().name("fanlab-test-worker").start(() -> {
            started.countDown();
            try { w.run(item(2), () -> false); } catch (Throwable t) { thrown.set(t); }
        });
        started.await();
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void cpuWorkIsInterruptedAndCancelled() throws Exception {
        StageWork w = WorkModels.create(new WorkSpec.Cpu(new Distribution.Constant(HOUR)), 0, "parse", 0, new FixedDraws(), faults, null, System::nanoTime);
        assertThatThrownBy(() -> w.run(item(1), () -> true)).isInstanceOf(CancellationException.class);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> w.run(item(2), () -> false)).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void allocWorkAllocatesTheBytes() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        long bytes = 3 * 1024 * 1024 + 17;
        StageWork w = WorkModels.create(new WorkSpec.Alloc(bytes, new Distribution.Constant(Duration.ofMillis(1))), 0, "parse", 0, new FixedDraws(), faults, null, System::nanoTime);
        w.run(item(0), () -> false); // warm
        long before = mx.getCurrentThreadAllocatedBytes();
        w.run(item(1), () -> false);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).isBetween(bytes, bytes + 1024 * 1024);
    }

    @Test
    void stalledWorkerWaitsForTheWindowAndOthersPass() throws Exception {
        StageWork w = sleepWork(new Distribution.Constant(Duration.ZERO), 0, new FixedDraws());
        ActiveFault stall = faults.activate(new FaultSpec.WorkerStall(Duration.ZERO, HOUR, Optional.of("enrich"), 1));
        assertThat(faults.freeStallTickets(1)).isEqualTo(1);
        Item stalled = item(1);
        try (var worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fanlab-test-worker").factory())) {
            Future<?> f = worker.submit(() -> { w.run(stalled, () -> false); return null; });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (faults.freeStallTickets(1) > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(faults.freeStallTickets(1)).as("the worker took the ticket").isZero();
            w.run(item(2), () -> false); // no ticket left: this worker passes
            assertThat(f.isDone()).as("the ticket holder stays stalled").isFalse();
            stall.revoke();
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(stalled.serviceStartNanos()).as("the stall is service time").isEqualTo(42);
        assertThat(faults.freeStallTickets(1)).isZero();
    }

    @Test
    void httpWorkCallsTheDownstreamWithTheItemsDraws() throws Exception {
        try (LoopbackDownstream d = LoopbackDownstream.start(new DownstreamSpec(2, 0.5), faults)) {
            FixedDraws draws = new FixedDraws().set(Draws.COST, 0.5).set(Draws.LATENCY, 0.4);
            StageWork w = WorkModels.create(new WorkSpec.Http(UNIFORM_0_40MS), 0, "parse", 0, draws, faults, d, System::nanoTime);
            assertThatThrownBy(() -> w.run(item(1), () -> false)).isInstanceOf(DownstreamError.class);
            draws.set(Draws.LATENCY, 0.5);
            long t0 = System.nanoTime();
            w.run(item(2), () -> false);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(20 * MS);
            assertThat(d.served()).isEqualTo(2);
        }
    }

    @Test
    void invalidArgumentsNameTheField() {
        FixedDraws draws = new FixedDraws();
        assertThatThrownBy(() -> WorkModels.create(new WorkSpec.Http(UNIFORM_0_40MS), 0, "parse", 0, draws, faults, null, System::nanoTime))
                .hasMessage("parse.work.http: no downstream (expected: the run's downstream for http work)");
        assertThatThrownBy(() -> WorkModels.create(new WorkSpec.Sleep(UNIFORM_0_40MS), 2, "x", 0, draws, faults, null, System::nanoTime))
                .hasMessage("stageIndex: 2 (expected: 0 <= stageIndex < 2)");
        assertThatThrownBy(() -> WorkModels.create(new WorkSpec.Sleep(UNIFORM_0_40MS), 0, "parse", 1.5, draws, faults, null, System::nanoTime))
                .hasMessage("parse.errorRate: 1.5 (expected: 0 <= errorRate <= 1)");
        assertThatThrownBy(() -> WorkModels.create(new WorkSpec.Alloc(-1, UNIFORM_0_40MS), 0, "parse", 0, draws, faults, null, System::nanoTime))
                .hasMessage("bytes: -1B (expected: >= 0B)"); // the record's rule, before WorkModels sees it
    }
}
