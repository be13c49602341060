package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.harness.load.RecordedTrace;
import io.fanlab.reports.run.RunJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sample incident ({@code scenarios/incidents/incident-replay.yaml}) replayed by a real run: the
 * generator offers exactly the trace's arrivals of the load phases, at the recorded times (per-second counts of the
 * trace against the run's interval figures, and the generator's lag behind the recorded times), and the faults start
 * and stop at the times the scenario records (events.jsonl).
 */
class IncidentReplayTest {
    @TempDir Path tmp;

    static final Path SCENARIO = Path.of("../scenarios/incidents/incident-replay.yaml");
    /** Lateness allowed for a replayed arrival or a fault on a busy 2-core machine shared by other builds. */
    static final double BOUND_S = 0.25;

    @Test
    void theSampleIncidentReplaysItsArrivalsAndFaultsAtTheirRecordedTimes() throws Exception {
        Path dir = tmp.resolve("run");
        FanlabCliTest.Result r = FanlabCliTest.cli("run", SCENARIO.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report");
        assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED);
        RecordedTrace trace = RecordedTrace.load(SCENARIO.resolveSibling("incident.csv"));
        JsonNode point = RunJson.MAPPER.readTree(dir.resolve("points/engine-w16-r0/point.json").toFile());

        // exactly the trace's arrivals before the end of the load phases (warmup 1 s + measure 10 s), speed 1
        long loadEnd = 11_000_000_000L;
        long expected = 0;
        for (int i = 0; i < trace.size(); i++) if (trace.offsetNanos(i) < loadEnd) expected++;
        assertThat(expected).isLessThan(trace.size()).isGreaterThan(2000);
        assertThat(point.path("offered").asLong()).isEqualTo(expected);
        assertThat(point.path("validity").path("not_started").asLong()).isZero();
        // ... at the recorded times: the generator's lag behind them stays within the bound
        assertThat(point.path("generator").path("lag_p99_us").asDouble()).isLessThan(BOUND_S * 1e6);

        List<JsonNode> events = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("events.jsonl"), StandardCharsets.UTF_8)) events.add(RunJson.MAPPER.readTree(l));
        // per second of the run: the interval's offered count against the trace's rows in the same second
        double pointStart = events.stream().filter(e -> e.path("type").asText().equals("point_start")).findFirst().orElseThrow().path("t_s").asDouble();
        double loadOrigin = events.stream().filter(e -> e.path("type").asText().equals("phase") && e.path("name").asText().equals("warmup"))
                .findFirst().orElseThrow().path("t_s").asDouble() - pointStart; // the schedule's 0 on the point clock
        JsonNode intervals = RunJson.MAPPER.readTree(dir.resolve("points/engine-w16-r0/intervals.json").toFile());
        double width = intervals.path("interval_s").asDouble();
        int compared = 0;
        double before = 0, after = 0;
        for (JsonNode row : intervals.path("rows")) {
            double to = row.path("t_s").asDouble() - loadOrigin, from = to - width;
            if (from < 0 || to > 11) continue;
            long rows = 0;
            for (int i = 0; i < trace.size(); i++) if (trace.offsetNanos(i) >= from * 1e9 && trace.offsetNanos(i) < to * 1e9) rows++;
            double offered = row.path("offered").asDouble() * width;
            assertThat(offered).as("offered in [%.2f, %.2f) s of the trace", from, to).isCloseTo(rows, org.assertj.core.data.Offset.offset(0.25 * rows + 10));
            if (to <= 4) before += offered;
            if (from >= 4.5) after += offered;
            compared++;
        }
        assertThat(compared).isGreaterThanOrEqualTo(8);
        assertThat(after).as("the load step at 4 s is replayed").isGreaterThan(2 * before);

        // the faults at their recorded times (point clock = the trace's clock at speed 1)
        assertFault(events, "downstream_slow", 6.0, 8.0);
        assertFault(events, "downstream_503", 9.0, 10.0);
        assertThat(point.path("failed").asLong()).as("the 503 burst fails requests").isPositive();
    }

    static void assertFault(List<JsonNode> events, String kind, double startS, double stopS) {
        JsonNode start = events.stream().filter(e -> e.path("type").asText().equals("fault_start") && e.path("fault").asText().equals(kind)).findFirst().orElseThrow();
        JsonNode stop = events.stream().filter(e -> e.path("type").asText().equals("fault_stop") && e.path("fault").asText().equals(kind)).findFirst().orElseThrow();
        assertThat(start.path("point_t_s").asDouble()).as(kind + " start").isBetween(startS, startS + BOUND_S);
        assertThat(stop.path("point_t_s").asDouble()).as(kind + " stop").isBetween(stopS, stopS + BOUND_S);
    }

    @Test
    void aBadTraceRowIsBadInputNamingTheCsvLine() throws Exception {
        Files.writeString(tmp.resolve("incident.csv"), "t,key\n0.5,a\nnoon,b\n");
        Path s = tmp.resolve("replay.yaml");
        Files.writeString(s, Files.readString(SCENARIO));
        FanlabCliTest.Result r = FanlabCliTest.cli("validate", s.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("incident.csv:3:1: load.trace: t: 'noon'").doesNotContain("\tat ");
    }
}
