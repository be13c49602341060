package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tail at Scale claim of {@code scenarios/hedging-bimodal.yaml}, from a real run: the reference engine with
 * hedging at p95 and the same stage without its hedge ({@code engine-no-hedge}), side by side in one run, read back
 * from {@code results.json}.
 *
 * <p>Always checked (they do not depend on speed): hedges were sent, only by the hedging design; hedged pairs'
 * losers were cancelled (at least 98%: a loser already ended when its winner returned needs no cancel); the extra
 * attempts stay within the 6% budget plus its cap. Checked only when both points are valid and the machine was
 * quiet ({@code validity.other_cpu_share} below the harness's 25% busy-machine threshold; for the 60 s claim also
 * a generator that kept its schedule, see {@link #quiet}), since on a machine shared with other builds the harness itself adds milliseconds
 * to the tail: p99.9 of the baseline over p99.9 with
 * hedging is at least the test's ratio, extra attempts at most 6% of offered items, and the median hedge started
 * less than 200 us late. On a busy machine those are skipped with the figures in the reason.
 */
class HedgingBimodalRunTest {
    private static final double QUIET_OTHER_CPU = 0.25;

    @TempDir Path tmp;

    /**
     * The default suite's run: in-process, 8 s measured (about 8,000 items, so p99.9 rests on the 8 largest), and
     * a material cut of at least 1.5x on a quiet machine. In-process runs share the test JVM's heap and threads and
     * gave 2.4-3.2x on a quiet machine before the timer's spin margin adapted (issue 13); the 10x claim is the slow
     * test's.
     */
    @Test
    void hedgingAtP95CutsP999ForAtMostSixPercentExtraAttempts() throws Exception {
        run(List.of("--in-process", "--duration", "8s"), 1.5, false);
    }

    /**
     * Over a window where p99.9 means something: each point in its own JVM and 60 s measured (about 60,000 items,
     * p99.9 on the 60 largest): p99.9 cut at least 5x for at most 6% extra attempts (quiet machine). Five quiet runs
     * gave 6.4-11.1x, median 9.1x (bench/results/2026-12-07T1305-hedging-bimodal-60s): the 10x is reached
     * in some runs, not reliably, so the test asserts what every quiet run showed, not the target. About 2.5 minutes.
     */
    @Test
    @Tag("slow")
    void hedgingAtP95CutsP999AtLeastFivefoldOverAMinuteInItsOwnJvm() throws Exception {
        run(List.of("--duration", "60s"), 5.0, true);
    }

    private void run(List<String> options, double minRatio, boolean onSchedule) throws Exception {
        Path dir = tmp.resolve("hedging");
        StringWriter out = new StringWriter(), err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("run", "../scenarios/hedging-bimodal.yaml", "--run-dir", dir.toString(), "--no-report"));
        args.addAll(options);
        int code = FanlabCli.execute(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        // the baseline misses the p99.9 SLO by design, so the run's verdict may be SLO_FAILED
        assertThat(code).as(out + "\n" + err).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED);
        JsonNode hedged = null, baseline = null;
        for (JsonNode p : RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points")) {
            assertThat(p.path("status").asText()).as(p.path("id").asText()).isEqualTo("ok");
            assertThat(p.path("conservation_ok").asBoolean()).as(p.path("id").asText()).isTrue();
            assertThat(p.path("leaked_threads").asLong()).as(p.path("leaked_thread_names").toString()).isZero();
            if (p.path("design").asText().equals("engine")) hedged = p;
            if (p.path("design").asText().equals("engine-no-hedge")) baseline = p;
        }
        assertThat(hedged).as("engine point").isNotNull();
        assertThat(baseline).as("engine-no-hedge point").isNotNull();

        JsonNode c = hedged.path("counters");
        long offered = hedged.path("offered").asLong();
        long hedges = c.path("hedges").asLong();
        assertThat(hedges).as("hedges sent").isPositive();
        assertThat(baseline.path("counters").path("hedges").asLong()).as("the baseline sends none").isZero();
        // a loser that had already ended when its winner returned needs no cancel (both finished together): rare
        assertThat(c.path("hedge_losers_cancelled").asLong()).as("hedged pairs' losers cancelled")
                .isLessThanOrEqualTo(hedges).isGreaterThanOrEqualTo((long) Math.floor(0.98 * hedges));
        assertThat((double) hedges).as("extra attempts within the budget (6% of first attempts + cap 60)")
                .isLessThanOrEqualTo(0.06 * offered + 60);

        double ratio = baseline.path("response_ms").path("p999").asDouble() / hedged.path("response_ms").path("p999").asDouble();
        double extra = hedges / (double) offered;
        String figures = String.format("p99.9 %.2f ms -> %.2f ms (ratio %.1f), extra attempts %.2f%%, fire p50 <= %d us, within 200 us %.0f%% "
                        + "(timer %.0f%%), other CPU %.0f%% / %.0f%%, generator lag p99 %.0f / %.0f us, validity %s / %s",
                baseline.path("response_ms").path("p999").asDouble(), hedged.path("response_ms").path("p999").asDouble(), ratio,
                100 * extra, c.path("hedge_fire_p50_us").asLong(), 100 * c.path("hedge_fire_within200us").asDouble(),
                100 * c.path("hedge_timer_within200us").asDouble(),
                100 * hedged.path("validity").path("other_cpu_share").asDouble(), 100 * baseline.path("validity").path("other_cpu_share").asDouble(),
                hedged.path("generator").path("lag_p99_us").asDouble(), baseline.path("generator").path("lag_p99_us").asDouble(),
                hedged.path("validity").path("state").asText(), baseline.path("validity").path("state").asText());
        System.out.println("HedgingBimodalRunTest: " + figures);
        Assumptions.assumeTrue(quiet(hedged, onSchedule) && quiet(baseline, onSchedule), "busy machine, timing claims not judged: " + figures);
        assertThat(ratio).as(figures).isGreaterThanOrEqualTo(minRatio);
        assertThat(extra).as(figures).isLessThanOrEqualTo(0.06);
        assertThat(c.path("hedge_fire_p50_us").asLong()).as(figures).isBetween(0L, 200L);
    }

    /**
     * Quiet: valid, other processes under the busy-machine threshold and, for the 5x claim ({@code onSchedule}),
     * the load generator kept its schedule ({@code generator.fell_behind} false: p99 lag at most 200 us). Across
     * five quiet runs the hedged p99.9 followed the generator's lag p99 (124 us -> 4.5 ms ... 928 us -> 7.8 ms):
     * the scheduling that delays the generator delays the hedged path of a slow item too. The in-process 1.5x shape
     * check held with a lagging generator (1.8-2.1x at lag p99 1.5 ms), so it does not wait for a punctual one.
     */
    private static boolean quiet(JsonNode point, boolean onSchedule) {
        JsonNode v = point.path("validity");
        return v.path("state").asText().equals("valid") && v.path("other_cpu_share").isNumber()
                && v.path("other_cpu_share").asDouble() < QUIET_OTHER_CPU
                && (!onSchedule || point.path("generator").path("fell_behind").isBoolean() && !point.path("generator").path("fell_behind").asBoolean());
    }
}
