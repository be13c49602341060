package io.fanlab.harness.fault;

import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FaultStateTest {
    static final Duration LONG = Duration.ofHours(1);
    final FaultState state = new FaultState(List.of("parse", "enrich"));

    @Test
    void nothingActiveReadsTheEmptyConstants() {
        assertThat(state.stage(0)).isSameAs(FaultState.StageFaults.NONE);
        assertThat(state.stage(1)).isSameAs(FaultState.StageFaults.NONE);
        assertThat(state.downstream()).isSameAs(FaultState.DownstreamFaults.NONE);
        assertThat(state.anyActive()).isFalse();
    }

    @Test
    void latencySpikeHitsTheDrawsBelowItsFractionOnItsStageOnly() {
        ActiveFault a = state.activate(new FaultSpec.LatencySpike(Duration.ZERO, LONG, 2, Duration.ofMillis(1), 0.3, Optional.of("enrich")));
        assertThat(state.stage(0)).isSameAs(FaultState.StageFaults.NONE);
        assertThat(state.stage(1).applyLatency(10_000_000, 0.29)).isEqualTo(21_000_000);
        assertThat(state.stage(1).applyLatency(10_000_000, 0.3)).isEqualTo(10_000_000);
        a.revoke();
        assertThat(state.stage(1)).isSameAs(FaultState.StageFaults.NONE);
        a.revoke(); // idempotent
        assertThat(state.anyActive()).isFalse();
    }

    @Test
    void overlappingFaultsCombineAndRevokeIndependently() {
        ActiveFault e1 = state.activate(new FaultSpec.ErrorInjection(Duration.ZERO, LONG, 0.25, Optional.empty()));
        ActiveFault e2 = state.activate(new FaultSpec.ErrorInjection(Duration.ZERO, LONG, 0.9, Optional.of("parse")));
        assertThat(state.stage(0).errorRate()).isEqualTo(1.0); // capped
        assertThat(state.stage(1).errorRate()).isEqualTo(0.25);
        e2.revoke();
        assertThat(state.stage(0).errorRate()).isEqualTo(0.25);
        ActiveFault s1 = state.activate(new FaultSpec.DownstreamSlow(Duration.ZERO, LONG, 2, Duration.ofMillis(1)));
        ActiveFault s2 = state.activate(new FaultSpec.DownstreamSlow(Duration.ZERO, LONG, 3, Duration.ofMillis(2)));
        ActiveFault d = state.activate(new FaultSpec.Downstream503(Duration.ZERO, LONG, 0.1));
        assertThat(state.downstream()).isEqualTo(new FaultState.DownstreamFaults(6, 3_000_000, 0.1));
        assertThat(state.downstream().delayNanos(1_000_000)).isEqualTo(9_000_000);
        s1.revoke();
        assertThat(state.downstream()).isEqualTo(new FaultState.DownstreamFaults(3, 2_000_000, 0.1));
        s2.revoke();
        d.revoke();
        e1.revoke();
        assertThat(state.downstream()).isSameAs(FaultState.DownstreamFaults.NONE);
        assertThat(state.stage(0)).isSameAs(FaultState.StageFaults.NONE);
    }

    @Test
    void twoEqualSpecsAreTwoFaults() {
        var spec = new FaultSpec.ErrorInjection(Duration.ZERO, LONG, 0.25, Optional.empty());
        ActiveFault a = state.activate(spec);
        ActiveFault b = state.activate(spec);
        assertThat(state.stage(0).errorRate()).isEqualTo(0.5);
        a.revoke();
        a.revoke();
        assertThat(state.stage(0).errorRate()).isEqualTo(0.25);
        b.revoke();
        assertThat(state.stage(0).errorRate()).isZero();
    }

    @Test
    void unknownStageAndNonStateFaultsAreRejected() {
        assertThatThrownBy(() -> state.activate(new FaultSpec.ErrorInjection(Duration.ZERO, LONG, 0.1, Optional.of("nope"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error_injection.stage: nope (expected: one of [parse, enrich])");
        assertThatThrownBy(() -> state.activate(new FaultSpec.CpuHog(Duration.ZERO, LONG, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("fault: CpuHog (expected: a state fault");
    }

    @Test
    void stallTicketsFreezeExactlyThatManyWorkersUntilRevoked() throws Exception {
        ActiveFault stall = state.activate(new FaultSpec.WorkerStall(Duration.ZERO, LONG, Optional.of("parse"), 2));
        try (var pool = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("fanlab-test-worker-", 0).factory())) {
            CountDownLatch entered = new CountDownLatch(2);
            Future<?> w1 = pool.submit(() -> { entered.countDown(); state.awaitStall(0); return null; });
            Future<?> w2 = pool.submit(() -> { entered.countDown(); state.awaitStall(0); return null; });
            entered.await();
            // both tickets get taken; then a third worker passes straight through
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (state.stage(0).stalls[0].free.get() > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(state.stage(0).stalls[0].free.get()).isZero();
            state.awaitStall(0); // no ticket left: returns at once
            state.awaitStall(1); // other stage: no stall
            assertThat(w1.isDone() || w2.isDone()).isFalse();
            stall.revoke();
            w1.get(10, TimeUnit.SECONDS);
            w2.get(10, TimeUnit.SECONDS);
        }
        assertThat(state.stage(0)).isSameAs(FaultState.StageFaults.NONE);
    }

    @Test
    void interruptedStalledWorkerGivesItsTicketBack() throws Exception {
        ActiveFault stall = state.activate(new FaultSpec.WorkerStall(Duration.ZERO, LONG, Optional.empty(), 1));
        try (var pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fanlab-test-worker").factory())) {
            Future<?> w = pool.submit(() -> { state.awaitStall(1); return null; });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (state.stage(1).stalls[0].free.get() > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            w.cancel(true);
            while (state.stage(1).stalls[0].free.get() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(state.stage(1).stalls[0].free.get()).isEqualTo(1);
            assertThat(state.stage(0).stalls[0].free.get()).as("stage 0 has its own ticket").isEqualTo(1);
        } finally {
            stall.revoke();
        }
        assertThatCode(() -> state.awaitStall(0)).doesNotThrowAnyException();
    }
}
