package io.fanlab.harness.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fanlab.harness.fault.FaultSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace CSV format (read, sorted, keyed, validated with line and column) and its replay schedule. */
class RecordedTraceTest {
    @TempDir Path tmp;

    RecordedTrace load(String csv) throws Exception {
        Path f = tmp.resolve("t.csv");
        Files.writeString(f, csv);
        return RecordedTrace.load(f);
    }

    List<RecordedTrace.RowProblem> problems(String csv) {
        Path f = tmp.resolve("bad.csv");
        try {
            Files.writeString(f, csv);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return catchThrowableOfType(RecordedTrace.BadRows.class, () -> RecordedTrace.load(f)).problems();
    }

    @Test
    void secondsAreSortedStablyAndKeysKeptWhenAllIntegers() throws Exception {
        RecordedTrace t = load("# comment\nt,key,latency_ms,outcome\n0.5,7,3.2,200\n\n0.25,3,,\n0.5,9,1,503\n2,,,ok\n");
        assertThat(t.size()).isEqualTo(4);
        assertThat(new long[] {t.offsetNanos(0), t.offsetNanos(1), t.offsetNanos(2), t.offsetNanos(3)})
                .containsExactly(250_000_000L, 500_000_000L, 500_000_000L, 2_000_000_000L);
        assertThat(new long[] {t.key(0), t.key(1), t.key(2), t.key(3)}).containsExactly(3, 7, 9, RecordedTrace.NO_KEY);
        assertThat(t.recordedLatencyMs(1)).isEqualTo(3.2);
        assertThat(t.recordedLatencyMs(0)).isNaN();
        assertThat(t.recordedError(2)).isTrue();
        assertThat(t.recordedError(1)).isFalse();
        assertThat(t.recordedError(0)).isNull();
        assertThat(t.durationNanos()).isEqualTo(2_000_000_000L);
        assertThat(t.hasKeys()).isTrue();
    }

    @Test
    void isoTimestampsCountFromTheEarliestAndStringKeysGetIdsByFirstAppearance() throws Exception {
        RecordedTrace t = load("key,t\nalice,2026-11-30T03:00:01.250Z\nbob,2026-11-30T03:00:00Z\nalice,2026-11-30T04:00:00.5+01:00\n");
        assertThat(new long[] {t.offsetNanos(0), t.offsetNanos(1), t.offsetNanos(2)}).containsExactly(0, 500_000_000L, 1_250_000_000L);
        // ids by first appearance in the file: alice 0, bob 1
        assertThat(new long[] {t.key(0), t.key(1), t.key(2)}).containsExactly(1, 0, 0);
    }

    @Test
    void badRowsAreReportedWithLineAndColumn() {
        var p = problems("t,key\n0.1,a\nsoon,b\n0.3\n-1,c\n0.4,d\n");
        assertThat(p).extracting(RecordedTrace.RowProblem::line).containsExactly(3, 4, 5);
        assertThat(p.get(0).column()).isEqualTo(1);
        assertThat(p.get(0).message()).contains("t: 'soon'").contains("seconds since the trace start");
        assertThat(p.get(1).message()).contains("1 cells (expected: 2");
        assertThat(p.get(2).message()).contains("0 <= t");

        var cols = problems("t,ky,latency\n1,2,3\n");
        assertThat(cols).hasSize(2);
        assertThat(cols.get(0).message()).contains("'ky'").contains("allowed: t, key, latency_ms, outcome");
        assertThat(cols.get(0).column()).isEqualTo(3);

        var cells = problems("t,latency_ms,outcome\n1,-2,ok\n2,3,teapot\n3,4,999\n");
        assertThat(cells).extracting(RecordedTrace.RowProblem::column).containsExactly(3, 5, 5);
        assertThat(cells.get(1).message()).contains("outcome: 'teapot'").contains("ok, error, an HTTP status");

        assertThat(problems("t\n1\n2026-11-30T03:00:00Z\n").get(0).message()).contains("one form in a file");
        assertThat(problems("").get(0).message()).contains("empty file");
        assertThat(problems("t\n").get(0).message()).contains("no arrivals");
        assertThat(problems("key\n1\n").get(0).message()).contains("no column t");
    }

    @Test
    void theReplayScheduleOffersExactlyTheTraceAtItsTimesOverSpeedThenNothing() throws Exception {
        RecordedTrace t = load("t\n0.001\n0.5\n0.5\n3.25\n");
        ArrivalSchedule s = ArrivalSchedule.of(new LoadSpec.Arrival.Trace(t, 2.0), 99, List.of());
        assertThat(new long[] {s.nextOffsetNanos(), s.nextOffsetNanos(), s.nextOffsetNanos(), s.nextOffsetNanos()})
                .containsExactly(500_000L, 250_000_000L, 250_000_000L, 1_625_000_000L);
        assertThat(s.nextOffsetNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.nextOffsetNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.issued()).isEqualTo(4);
        assertThat(s.expectedArrivals(250_000_000L)).isEqualTo(1);
        assertThat(s.expectedArrivals(250_000_001L)).isEqualTo(3);
        assertThat(s.expectedArrivals(Long.MAX_VALUE)).isEqualTo(4);
        // the seed does not move a replayed arrival
        ArrivalSchedule other = ArrivalSchedule.of(new LoadSpec.Arrival.Trace(t, 2.0), 1, List.of());
        assertThat(other.nextOffsetNanos()).isEqualTo(500_000L);
        assertThatThrownBy(() -> ArrivalSchedule.of(new LoadSpec.Arrival.Trace(t, 1.0), 1,
                List.of(new FaultSpec.LoadSpike(Duration.ZERO, Duration.ofSeconds(1), 2.0))))
                .hasMessageContaining("with load.trace");
        assertThatThrownBy(() -> new LoadSpec.Arrival.Trace(t, 0)).hasMessageContaining("speed: 0.0 (expected: finite > 0)");
    }
}
