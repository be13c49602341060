package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.html.HtmlReportWriter;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunJson;
import io.fanlab.reports.run.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claims of the run directory checked on real harness output: tiny points run in-process, read back with the
 * reports module's reader and HTML writer (so the format cannot drift between the writer and the reader unseen).
 */
class MeasuredClaimsTest {
    @TempDir Path tmp;

    /** Runs; {@code expectedExit} null where a busy machine may invalidate the point (exit 1) without touching the claim. */
    Path run(String name, String yaml, Integer expectedExit) throws Exception {
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        Path dir = tmp.resolve("run-" + name);
        FanlabCliTest.Result r = FanlabCliTest.cli("run", f.toString(), "--in-process", "--run-dir", dir.toString());
        if (expectedExit != null) assertThat(r.code()).as(r.out() + r.err()).isEqualTo(expectedExit);
        else assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED);
        return dir;
    }

    static JsonNode point(Path dir, int i) throws Exception {
        return RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points").get(i);
    }

    static JsonNode slo(JsonNode point, String kind) {
        for (JsonNode s : point.path("slos")) if (s.path("kind").asText().equals(kind)) return s;
        throw new AssertionError("no SLO of kind " + kind + " in " + point.path("slos"));
    }

    /**
     * Issue 10, defect 1: one worker of a sharded stage stalled from 1 s to the end of the point. Its items never
     * finish; they used to count nowhere (p99 6.9 ms, PASS). Now they are censored latencies and errors.
     */
    @Test
    void aStallLastingToTheEndFailsTheP99() throws Exception {
        Path dir = run("stall", """
                name: stall
                seed: 5
                phases: {warmup: 500ms, measure: 2s, cooldown: 500ms}
                load:
                  open: {arrival: poisson, rate: 1000/s}
                pipeline:
                  - name: parse
                    dispatch: sharded
                    queue: 4096
                    work: {sleep: {exponential: 1ms}}
                faults:
                  - {worker_stall: {at: 1s, duration: 2s, stage: parse, workers: 1}}
                slos:
                  - {latency: {metric: response, percentile: 99, max: 50ms}}
                  - {error_rate: 0.01}
                sweep: {stage: parse, widths: [4], designs: [engine], repeats: 1}
                """, ExitCodes.SLO_FAILED);
        JsonNode p = point(dir, 0);
        assertThat(p.path("unfinished").asLong()).as(p.toString()).isGreaterThan(100);
        assertThat(p.path("response_ms").path("censored").asLong()).isGreaterThan(100);
        assertThat(p.path("response_ms").path("p99").asDouble()).isGreaterThan(500); // at least window end - intended start
        assertThat(slo(p, "latency").path("pass").asBoolean()).isFalse();
        assertThat(slo(p, "error_rate").path("pass").asBoolean()).isFalse();
        JsonNode c = p.path("cancellation");
        assertThat(c.path("in_flight").asLong()).as("each item in flight at the cancel ends once: unfinished or finished anyway")
                .isEqualTo(p.path("unfinished").asLong() + c.path("finished_anyway").asLong());
        assertThat(Files.readString(dir.resolve("report.html"))).contains("unfinished");
    }

    /** Every request recorded exactly once at every join kind, whatever order its items end in. */
    @Test
    void everyScatterGatherRequestIsDecidedOnce() throws Exception {
        for (String join : List.of("all", "first", "quorum(3)")) {
            Path dir = run("sg-" + join.replaceAll("\\W", ""), """
                    name: sg
                    seed: 9
                    phases: {warmup: 300ms, measure: 1500ms, cooldown: 1s}
                    load:
                      open: {arrival: poisson, rate: 200/s}
                      fanout: 4
                      join: %s
                    pipeline:
                      - name: query
                        work: {sleep: {exponential: 2ms}}
                        error_rate: 0.05
                    slos: [nothing_lost]
                    sweep: {stage: query, widths: [16], designs: [engine], repeats: 1}
                    """.formatted(join), null);
            JsonNode p = point(dir, 0);
            JsonNode req = p.path("requests");
            long offered = req.path("offered").asLong();
            assertThat(offered).as(join).isEqualTo(p.path("offered").asLong() / 4);
            assertThat(req.path("succeeded").asLong() + req.path("failed").asLong()).as(join + ": " + req).isEqualTo(offered);
            if (!join.equals("first")) assertThat(req.path("failed").asLong()).as(join).isPositive(); // first: all 4 must fail
            long recorded = p.path("request_ms").path("count").asLong();
            assertThat(recorded).as(join).isLessThanOrEqualTo(req.path("succeeded").asLong()).isGreaterThan(offered / 2);
        }
    }

    /** Issue 9 and issue 10 defect 2: default-named pools a design forgets are leaks, whatever their names. */
    @Test
    void aDesignLeakingADefaultNamedPoolFailsItsRun() throws Exception {
        Path dir = run("leak", """
                name: leak
                phases: {warmup: 200ms, measure: 800ms, cooldown: 200ms}
                load:
                  open: {arrival: poisson, rate: 200/s}
                pipeline:
                  - name: work
                    work: {sleep: {exponential: 1ms}}
                slos: [no_leaked_threads]
                sweep: {stage: work, widths: [2], designs: [broken-leaky-forkjoin, broken-leaky-workstealing], repeats: 1}
                """, ExitCodes.SLO_FAILED);
        for (int i = 0; i < 2; i++) {
            JsonNode p = point(dir, i);
            assertThat(p.path("leaked_threads").asLong()).as(p.path("design").asText()).isPositive();
            assertThat(p.path("leaked_thread_names").toString()).contains("ForkJoinPool-");
            assertThat(slo(p, "no_leaked_threads").path("pass").asBoolean()).isFalse();
        }
    }

    /** Cancel under load: placed at the end of the measured window, it finds items in flight and cancels them. */
    @Test
    void cancellationIsMeasuredUnderLoad() throws Exception {
        Path dir = run("cancel", """
                name: cancel
                seed: 4
                phases: {warmup: 300ms, measure: 1s, cooldown: 300ms, cancel: end_of_measure}
                load:
                  open: {arrival: poisson, rate: 400/s}
                pipeline:
                  - name: slow
                    threads: virtual
                    work: {sleep: {exponential: 50ms}}
                slos:
                  - {cancellation_latency: 500ms}
                  - no_leaked_threads
                sweep: {stage: slow, widths: [64], designs: [engine, vt-per-item], repeats: 1}
                """, null);
        for (int i = 0; i < 2; i++) {
            JsonNode p = point(dir, i);
            JsonNode c = p.path("cancellation");
            assertThat(c.path("at").asText()).isEqualTo("end_of_measure");
            assertThat(c.path("in_flight").asLong()).as(c.toString()).isGreaterThan(5);
            assertThat(c.path("cancelled").asLong()).as(c.toString()).isPositive();
            assertThat(c.path("cancelled").asLong() + c.path("finished_anyway").asLong()).isLessThanOrEqualTo(c.path("in_flight").asLong());
            assertThat(c.path("quiesce_ms").asDouble()).isEqualTo(p.path("cancel_ms").asDouble());
            assertThat(c.path("start_s").asDouble()).isBetween(1.2, 1.6);
            assertThat(p.path("cancelled").asLong()).isEqualTo(c.path("cancelled").asLong());
            assertThat(p.path("conservation_ok").asBoolean()).isTrue();
        }
    }

    /**
     * Issue 9 / issue 13 item 6: a first join's losers are cancelled, by every design that can cancel one item, under
     * cancellation-storm's settings (fan-out 8, join first, Pareto sleeps, virtual threads, cancel at the end of the
     * window): losers cancelled, each loser counted once, every item accounted for, no thread left behind.
     */
    @Test
    void joinLosersAreCancelledUnderLoad() throws Exception {
        Path dir = run("losers", """
                name: losers
                seed: 19
                phases: {warmup: 300ms, measure: 1500ms, cooldown: 300ms, cancel: end_of_measure}
                load:
                  open: {arrival: poisson, rate: 150/s}
                  fanout: 8
                  join: first
                pipeline:
                  - name: query
                    threads: virtual
                    work: {sleep: {pareto: {scale: 1ms, shape: 1.2}}}
                slos: [nothing_lost, no_leaked_threads]
                sweep: {stage: query, widths: [64], designs: [engine, vt-per-item, tpe], repeats: 1}
                """, null);
        for (int i = 0; i < 3; i++) {
            JsonNode p = point(dir, i);
            String design = p.path("design").asText();
            JsonNode l = p.path("losers");
            long cancelled = l.path("cancelled").asLong(), finished = l.path("finished_anyway").asLong();
            assertThat(cancelled).as(design + ": " + l).isPositive();
            // a first join without errors: every item decided its request, was a loser, or was cut off by the point's cancel
            assertThat(p.path("requests").path("succeeded").asLong() + cancelled + finished + p.path("unfinished").asLong())
                    .as(design + ": " + p.path("requests") + l).isEqualTo(p.path("offered").asLong());
            assertThat(l.path("after_decision_ms").path("count").asLong()).isEqualTo(cancelled + finished);
            assertThat(cancelled).isLessThanOrEqualTo(p.path("cancelled").asLong());
            assertThat(p.path("failed").asLong()).as(design).isZero();
            assertThat(p.path("conservation_ok").asBoolean()).as(design).isTrue();
            assertThat(p.path("cancellation").path("threads_alive").asLong()).as(design).isZero();
            assertThat(p.path("leaked_threads").asLong()).as(design).isZero();
            assertThat(p.path("warnings").toString()).as(design).doesNotContain("cannot cancel one item");
        }
        assertThat(Files.readString(dir.resolve("report.html"))).contains("losers cancelled");
    }

    /**
     * Golden check of the run format fed by a real point: the record reads back as the typed {@link PointResult};
     * the report reader and HTML writer show Little's law with numbers; the HdrHistogram log holds exactly the
     * response population of point.json, in nanoseconds, based at the point's start; the new per-point fields
     * (reorder depth, workers, hot keys, dead letters) are present and add up.
     */
    @Test
    void aRealPointReadsBackThroughTheReportsModule() throws Exception {
        Path dir = run("golden", """
                name: golden
                seed: 11
                phases: {warmup: 300ms, measure: 2s, cooldown: 500ms}
                load:
                  open: {arrival: poisson, rate: 500/s}
                keys: {zipf: {n: 100, s: 1.2}}
                pipeline:
                  - name: apply
                    dispatch: sharded
                    per_key: true
                    work: {sleep: {exponential: 1ms}}
                    error_rate: 0.02
                    on_error: dead_letter
                slos: [nothing_lost]
                sweep: {stage: apply, widths: [4], designs: [engine], repeats: 1}
                """, null);
        Path pointDir = dir.resolve("points/engine-w4-r0");
        PointResult typed = RunJson.MAPPER.readValue(pointDir.resolve("point.json").toFile(), PointResult.class);
        assertThat(typed.little().l()).isPositive();
        assertThat(typed.little().lComputed()).isPositive();
        // within the validity rule's tolerance, or flagged by it (a busy machine can move an in-process point's L)
        if (Math.abs(typed.little().relError()) > typed.validity().littleTolerance())
            assertThat(typed.warnings()).as("a Little's law error beyond tolerance is flagged").anyMatch(w -> w.contains("Little"));

        RunRecord run = RunDirectory.read(dir);
        var analysis = SweepAnalysis.analyse(run);
        String html = HtmlReportWriter.render(run, analysis, io.fanlab.reports.analysis.Verdict.of(run, analysis));
        String row = html.substring(html.indexOf("id=\"correctness-table\""));
        row = row.substring(row.indexOf("<tbody>"), row.indexOf("</tbody>"));
        assertThat(row).as("the Little's law cells").doesNotContain("\u2014");
        PointRecord pr = run.points().get(0);
        assertThat(pr.result()).as("the report reads the record the harness wrote").isEqualTo(typed);

        // the hlog: same population as response_ms, nanoseconds, base time = the point's start
        List<Histogram> intervals = new ArrayList<>();
        HistogramLogReader reader = new HistogramLogReader(pointDir.resolve("response.hlog").toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) intervals.add((Histogram) h);
        Histogram all = new Histogram(3);
        intervals.forEach(all::add);
        assertThat(all.getTotalCount()).isEqualTo(typed.responseMs().count());
        assertThat(all.getMaxValue() / 1e6).isCloseTo(typed.responseMs().max(), withinPercentage(1));
        assertThat(all.getValueAtPercentile(99) / 1e6).isCloseTo(typed.responseMs().p99(), withinPercentage(1));
        double base = reader.getStartTimeSec();
        assertThat(intervals.get(0).getStartTimeStamp() / 1000.0).isBetween(base, base + 3);
        assertThat(Files.readString(pointDir.resolve("response.hlog"))).contains("#[BaseTime: " + String.format("%.3f", base));

        // reorder depth, per-worker counters, hot keys, dead letters
        assertThat(typed.reorderDepth()).isNotNull();
        assertThat(typed.workers()).singleElement().satisfies(w -> {
            assertThat(w.stage()).isEqualTo("apply");
            assertThat(w.items()).hasSize(4);
            assertThat(w.itemSkew()).isGreaterThan(1.0); // zipf keys pin the hottest key's worker
            assertThat(w.busyShare()).allSatisfy(b -> assertThat(b).isBetween(0.0, 1.0));
        });
        assertThat(typed.topKeys()).isNotEmpty();
        assertThat(typed.topKeys().get(0).key()).isEqualTo(0);  // zipf rank 1
        JsonNode rows = RunJson.MAPPER.readTree(pointDir.resolve("intervals.json").toFile()).path("rows");
        assertThat(rows.get(0).has("workers")).as(rows.toString()).isTrue();
        assertThat(rows.get(0).path("top_keys").get(0).path("key").asLong()).isZero();
        assertThat(typed.deadLettered()).isPositive();
        List<String> letters = Files.readAllLines(pointDir.resolve("dead-letters.jsonl"));
        assertThat(letters).hasSize((int) typed.deadLettersWritten()).hasSize((int) Math.min(1000, typed.deadLettered()));
        JsonNode first = RunJson.MAPPER.readTree(letters.get(0));
        assertThat(first.fieldNames()).toIterable().containsExactly("seq", "key", "cause", "attempts");
        assertThat(first.path("attempts").asInt()).isPositive();

        // the reports module's hand-made fixtures may not use a name the harness does not write (how 'L', 'W_s'
        // and 'L_computed' drifted from the harness's 'l', 'w_s', 'l_computed' unseen)
        Path fixture = Path.of("../reports/src/test/resources/fixtures/complete-sweep/points/engine-w8-r0");
        List<String> missing = new ArrayList<>();
        missingKeys(RunJson.MAPPER.readTree(fixture.resolve("point.json").toFile()),
                RunJson.MAPPER.readTree(pointDir.resolve("point.json").toFile()), "point", missing);
        missingKeys(RunJson.MAPPER.readTree(fixture.resolve("intervals.json").toFile()),
                RunJson.MAPPER.readTree(pointDir.resolve("intervals.json").toFile()), "intervals", missing);
        // and the run-level files: the fixture's results.json header (its points checked above, analysis and verdict
        // are the report's) and environment.json against the harness's
        Path fixtureRun = fixture.getParent().getParent();
        com.fasterxml.jackson.databind.node.ObjectNode fixtureHeader =
                (com.fasterxml.jackson.databind.node.ObjectNode) RunJson.MAPPER.readTree(fixtureRun.resolve("results.json").toFile());
        fixtureHeader.remove(RunJson.REPORT_KEYS);
        missingKeys(fixtureHeader, RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()), "results", missing);
        missingKeys(RunJson.MAPPER.readTree(fixtureRun.resolve("environment.json").toFile()),
                RunJson.MAPPER.readTree(dir.resolve("environment.json").toFile()), "environment", missing);
        assertThat(missing).as("fields of the fixtures that real harness output does not have").isEmpty();
        // the harness writes the header and environment through the typed records: nothing the records lack
        var header = io.fanlab.reports.run.RunDirectory.read(dir).header();
        assertThat(header.formatVersion()).isEqualTo(RunJson.FORMAT_VERSION);
        assertThat(header.runId()).isEqualTo(dir.getFileName().toString());
        assertThat(header.runStartEpochMs()).isPositive();
        assertThat(header.gate()).isNotNull();
        assertThat(io.fanlab.reports.run.RunDirectory.read(dir).environment().jdk().version()).isEqualTo(System.getProperty("java.version"));
    }

    /** Paths of fields of {@code fixture} absent from {@code real}, recursing into objects and first array elements. */
    static void missingKeys(JsonNode fixture, JsonNode real, String path, List<String> out) {
        if (fixture.isObject()) {
            fixture.fieldNames().forEachRemaining(f -> {
                if (!real.has(f)) out.add(path + "." + f);
                else if (!real.get(f).isNull()) missingKeys(fixture.get(f), real.get(f), path + "." + f, out); // null: not applicable here
            });
        } else if (fixture.isArray() && real.isArray() && !fixture.isEmpty() && !real.isEmpty()) {
            missingKeys(fixture.get(0), real.get(0), path + "[0]", out);
        }
    }
}
