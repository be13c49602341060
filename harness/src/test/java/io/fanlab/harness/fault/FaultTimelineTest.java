package io.fanlab.harness.fault;

import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.*;
import net.jqwik.api.constraints.*;
import org.junit.jupiter.api.Test;

class FaultTimelineTest {

    @Provide
    Arbitrary<FaultSpec> fault() {
        Arbitrary<Long> at = Arbitraries.longs().between(0, 200);
        // windowed faults need duration > 0 (their records reject a window that could change nothing); the
        // zero-length window is covered by Abort, the one fault that is instantaneous
        Arbitrary<Long> dur = Arbitraries.longs().between(1, 100);
        return Combinators.combine(at, dur, Arbitraries.integers().between(0, 4)).as((a, d, kind) -> {
            Duration atD = Duration.ofMillis(a), durD = Duration.ofMillis(d);
            return switch (kind) {
                case 0 -> new FaultSpec.ErrorInjection(atD, durD, 0.5, Optional.empty());
                case 1 -> new FaultSpec.LatencySpike(atD, durD, 2, Duration.ZERO, 1, Optional.empty());
                case 2 -> new FaultSpec.CpuHog(atD, durD, 1);
                case 3 -> new FaultSpec.LoadSpike(atD, durD, 0); // an outage is a valid fault
                default -> new FaultSpec.Abort(atD, Duration.ZERO);
            };
        });
    }

    /**
     * A fault is active exactly inside its window at every observed offset, starts and stops at most once each,
     * stops only after it started, and the next wake-up never lies beyond a pending boundary (so a scheduler that
     * wakes at nextEventOffset() never leaves a fault active after its window). After closeAll nothing is active
     * and every started fault was stopped exactly once.
     */
    @Property(tries = 300)
    void faultIsActiveExactlyInsideItsWindow(@ForAll("listOfFaults") List<FaultSpec> faults,
                                             @ForAll @Size(max = 30) List<@LongRange(min = 0, max = 320_000_000) Long> offsets) {
        List<Long> sorted = new ArrayList<>(offsets);
        Collections.sort(sorted);
        FaultTimeline tl = new FaultTimeline(faults);
        int[] starts = new int[faults.size()], stops = new int[faults.size()];
        for (long t : sorted) {
            for (FaultTimeline.Transition tr : tl.advance(t)) {
                if (tr.start()) {
                    assertThat(stops[tr.index()]).isZero();
                    starts[tr.index()]++;
                } else {
                    assertThat(starts[tr.index()]).isEqualTo(1);
                    stops[tr.index()]++;
                }
            }
            long next = tl.nextEventOffset();
            assertThat(next).isGreaterThan(t);
            for (int i = 0; i < faults.size(); i++) {
                FaultSpec f = faults.get(i);
                long at = f.at().toNanos(), end = at + f.duration().toNanos();
                assertThat(tl.isActive(i)).as("fault %d %s at %d", i, f, t).isEqualTo(FaultTimeline.activeAt(f, t));
                assertThat(starts[i]).isEqualTo(at <= t ? 1 : 0);
                assertThat(stops[i]).isEqualTo(end <= t ? 1 : 0);
                if (tl.isActive(i)) assertThat(end).isGreaterThanOrEqualTo(next);
                if (!tl.isActive(i) && !tl.isDone(i)) assertThat(at).isGreaterThanOrEqualTo(next);
            }
        }
        for (FaultTimeline.Transition tr : tl.closeAll()) {
            assertThat(tr.start()).isFalse();
            stops[tr.index()]++;
        }
        for (int i = 0; i < faults.size(); i++) {
            assertThat(tl.isActive(i)).isFalse();
            assertThat(stops[i]).isEqualTo(starts[i]);
        }
        assertThat(tl.advance(Long.MAX_VALUE)).as("nothing starts after closeAll").isEmpty();
        assertThat(tl.nextEventOffset()).isEqualTo(Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<List<FaultSpec>> listOfFaults() { return fault().list().ofMaxSize(6); }

    @Test
    void zeroLengthWindowStartsAndStopsInOneStep() {
        var abort = new FaultSpec.Abort(Duration.ofMillis(5), Duration.ZERO);
        FaultTimeline tl = new FaultTimeline(List.of(abort));
        assertThat(tl.advance(4_999_999)).isEmpty();
        assertThat(tl.nextEventOffset()).isEqualTo(5_000_000);
        assertThat(tl.advance(5_000_000)).containsExactly(
                new FaultTimeline.Transition(0, abort, true), new FaultTimeline.Transition(0, abort, false));
        assertThat(tl.nextEventOffset()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void stopsComeBeforeStartsInOneStep() {
        var a = new FaultSpec.CpuHog(Duration.ZERO, Duration.ofMillis(10), 1);
        var b = new FaultSpec.CpuHog(Duration.ofMillis(10), Duration.ofMillis(10), 1);
        FaultTimeline tl = new FaultTimeline(List.of(b, a));
        assertThat(tl.advance(0)).containsExactly(new FaultTimeline.Transition(1, a, true));
        assertThat(tl.advance(10_000_000)).containsExactly(
                new FaultTimeline.Transition(1, a, false), new FaultTimeline.Transition(0, b, true));
    }

    @Test
    void timeGoingBackwardsIsRejected() {
        FaultTimeline tl = new FaultTimeline(List.of());
        tl.advance(10);
        assertThatThrownBy(() -> tl.advance(9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offsetNanos: 9 (expected: >= previous 10)");
    }

    /** Invalid faults are rejected by their records' constructors, before a timeline sees them. */
    @Test
    void invalidFaultNamesTheField() {
        assertThatThrownBy(() -> new FaultTimeline(List.of(new FaultSpec.LatencySpike(Duration.ZERO, Duration.ofSeconds(1), 2, Duration.ZERO, 1.5, Optional.empty()))))
                .hasMessage("fraction: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> new FaultTimeline(List.of(new FaultSpec.CpuHog(Duration.ofMillis(-1), Duration.ofSeconds(1), 1))))
                .hasMessage("at: -1ms (expected: >= 0ms)");
        assertThatThrownBy(() -> new FaultTimeline(List.of(new FaultSpec.WorkerStall(Duration.ZERO, Duration.ofSeconds(1), Optional.empty(), 0))))
                .hasMessage("workers: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new FaultTimeline(List.of(new FaultSpec.ErrorInjection(Duration.ZERO, Duration.ZERO, 0.5, Optional.empty()))))
                .hasMessage("duration: 0ms (expected: > 0ms)");
    }
}
