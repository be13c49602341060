package io.fanlab.harness.fault;

import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Integration: the real fanlab-faults thread with short real windows. Deadlines are safety nets only. */
class FaultScheduleTest {
    static final Duration HOUR = Duration.ofHours(1);

    record Event(FaultSpec fault, boolean start, long offsetNanos, double errorRateSeen) {}

    static Set<String> fanlabThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("fanlab-")).collect(Collectors.toSet());
    }

    /** Records events and counts them down; also records what a worker would have seen at that moment. */
    static final class Recorder implements FaultListener {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final CountDownLatch expected;
        final FaultState state;

        Recorder(int expected, FaultState state) {
            this.expected = new CountDownLatch(expected);
            this.state = state;
        }

        @Override public void started(FaultSpec f, long offsetNanos) { record(f, true, offsetNanos); }
        @Override public void stopped(FaultSpec f, long offsetNanos) { record(f, false, offsetNanos); }

        private void record(FaultSpec f, boolean start, long offset) {
            events.add(new Event(f, start, offset, state.stage(0).errorRate()));
            expected.countDown();
        }
    }

    @Test
    void windowsAreAppliedAndRevokedOnTimeAndEveryTransitionIsReported() throws Exception {
        Set<String> before = fanlabThreads();
        FaultState state = new FaultState(List.of("only"));
        var error = new FaultSpec.ErrorInjection(Duration.ofMillis(30), Duration.ofMillis(60), 0.5, Optional.of("only"));
        var load = new FaultSpec.LoadSpike(Duration.ofMillis(10), Duration.ofMillis(20), 3);
        var abort = new FaultSpec.Abort(Duration.ofMillis(50), Duration.ZERO);
        Recorder rec = new Recorder(6, state);
        AtomicInteger aborts = new AtomicInteger();
        long start = System.nanoTime();
        FaultSchedule s = FaultSchedule.start(List.of(error, load, abort), start, state, rec, aborts::incrementAndGet, System::nanoTime);
        try {
            assertThat(rec.expected.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            s.close();
        }
        assertThat(aborts.get()).isEqualTo(1);
        assertThat(state.anyActive()).isFalse();
        for (FaultSpec f : List.of(error, load, abort)) {
            List<Event> mine = rec.events.stream().filter(e -> e.fault() == f).toList();
            assertThat(mine).extracting(Event::start).containsExactly(true, false);
            assertThat(mine.get(0).offsetNanos()).isGreaterThanOrEqualTo(f.at().toNanos());
            assertThat(mine.get(1).offsetNanos()).isGreaterThanOrEqualTo(f.at().plus(f.duration()).toNanos())
                    .isGreaterThanOrEqualTo(mine.get(0).offsetNanos());
        }
        List<Event> err = rec.events.stream().filter(e -> e.fault() == error).toList();
        assertThat(err.get(0).errorRateSeen()).as("applied before reported").isEqualTo(0.5);
        assertThat(err.get(1).errorRateSeen()).as("revoked before reported").isZero();
        assertThat(fanlabThreads()).isEqualTo(before);
    }

    @Test
    void closeRevokesWhatIsStillActiveAndJoinsBackgroundThreads() throws Exception {
        Set<String> before = fanlabThreads();
        FaultState state = new FaultState(List.of("a", "b"));
        var stall = new FaultSpec.WorkerStall(Duration.ZERO, HOUR, Optional.of("b"), 1);
        var hog = new FaultSpec.CpuHog(Duration.ZERO, HOUR, 2);
        var gc = new FaultSpec.GcPressure(Duration.ZERO, HOUR, 20_000_000);
        var later = new FaultSpec.ErrorInjection(HOUR, HOUR, 1, Optional.empty());
        Recorder rec = new Recorder(3, state);
        FaultSchedule s = FaultSchedule.start(List.of(stall, hog, gc, later), System.nanoTime(), state, rec, () -> { }, System::nanoTime);
        assertThat(rec.expected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fanlabThreads()).contains("fanlab-faults", "fanlab-fault-cpuhog-0", "fanlab-fault-cpuhog-1", "fanlab-fault-gc");
        assertThat(state.anyActive()).isTrue();
        s.close();
        s.close(); // idempotent
        assertThat(state.anyActive()).isFalse();
        assertThat(rec.events).filteredOn(e -> !e.start()).extracting(Event::fault).containsExactlyInAnyOrder(stall, hog, gc);
        assertThat(rec.events).extracting(Event::fault).doesNotContain(later);
        assertThat(fanlabThreads()).isEqualTo(before);
    }

    /** A worker that takes a stall ticket stays blocked until the window's end, then goes on. */
    @Test
    void stalledWorkerIsReleasedAtTheWindowsEnd() throws Exception {
        FaultState state = new FaultState(List.of("a"));
        var stall = new FaultSpec.WorkerStall(Duration.ZERO, Duration.ofMillis(80), Optional.empty(), 1);
        Recorder rec = new Recorder(1, state);
        long start = System.nanoTime();
        FaultSchedule s = FaultSchedule.start(List.of(stall), start, state, rec, () -> { }, System::nanoTime);
        try {
            assertThat(rec.expected.await(10, TimeUnit.SECONDS)).isTrue();
            state.awaitStall(0);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(80).toNanos());
            state.awaitStall(0); // the window is over: no ticket, no wait
        } finally {
            s.close();
        }
        assertThat(rec.events).extracting(Event::start).containsExactly(true, false);
    }

    @Test
    void unknownStageFailsBeforeAnyThreadStarts() {
        Set<String> before = fanlabThreads();
        FaultState state = new FaultState(List.of("a"));
        assertThatThrownBy(() -> FaultSchedule.start(
                List.of(new FaultSpec.LatencySpike(Duration.ZERO, HOUR, 2, Duration.ZERO, 1, Optional.of("zz"))),
                0, state, FaultListener.NONE, () -> { }, System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latency_spike.stage: zz (expected: one of [a])");
        assertThat(fanlabThreads()).isEqualTo(before);
    }

    @Test
    void aFailingListenerDoesNotStopTheScheduleAndIsReportedAtClose() throws Exception {
        FaultState state = new FaultState(List.of("a"));
        CountDownLatch stopped = new CountDownLatch(1);
        FaultListener throwing = new FaultListener() {
            @Override public void started(FaultSpec f, long offsetNanos) { throw new IllegalStateException("listener broke"); }
            @Override public void stopped(FaultSpec f, long offsetNanos) { stopped.countDown(); }
        };
        var error = new FaultSpec.ErrorInjection(Duration.ZERO, Duration.ofMillis(20), 1, Optional.empty());
        FaultSchedule s = FaultSchedule.start(List.of(error), System.nanoTime(), state, throwing, () -> { }, System::nanoTime);
        assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(state.anyActive()).isFalse();
        assertThatThrownBy(s::close).isInstanceOf(IllegalStateException.class).hasRootCauseMessage("listener broke");
    }

    @Test
    void backgroundLoadsDoWorkAndStopWhenRevoked() throws Exception {
        BackgroundLoad storm = BackgroundLoad.allocationStorm(50_000_000);
        BackgroundLoad hog = BackgroundLoad.cpuHog(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((storm.allocatedBytes() < 1_000_000 || hog.spins() == 0) && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(storm.allocatedBytes()).isGreaterThanOrEqualTo(1_000_000);
        assertThat(hog.spins()).isPositive();
        storm.revoke();
        hog.revoke();
        assertThat(storm.threads()).noneMatch(Thread::isAlive);
        assertThat(hog.threads()).noneMatch(Thread::isAlive);
    }
}
