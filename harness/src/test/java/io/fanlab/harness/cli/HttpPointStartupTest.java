package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP point starts serving at once: one forked point (a fresh JVM, so the HTTP stack is cold as in a real
 * sweep) of http work against the loopback downstream, whose first seconds on the timeline must not stall.
 *
 * <p>The stall this guards against: with the JDK's {@code java.net.http.HttpClient} as the client, the first answer
 * took about 1 s and each call cost 1.5-2 ms of CPU until the JIT caught up, so at a few hundred calls/s on 2 cores
 * the stage's queue filled for 3-4 s. With this test's scenario and that client, the first second had no answer at
 * all (its interval's throughput 0) and the second one a p99 of 1881 ms.
 *
 * <p>The bound, 1000 ms for the p99 of each of the first two seconds: a point's first second is slower than the
 * rest for reasons that have nothing to do with HTTP (a cold JVM: the engine, the generator and the probes run
 * interpreted). On this project's 2-core machines, busy with other builds (load average about 20), the same
 * scenario with {@code sleep} work instead of {@code http} showed a first-second p99 of 229 and 313 ms, and with
 * {@code http} 396 to 614 ms in five runs; the measured window's p99 was 39-97 ms. 1000 ms stays clear of that
 * noise and well under the stall, which also fails the throughput check on its own. On a machine busier than that,
 * the bound is 3x the first-second p99 of the same point with sleep work, run side by side.
 */
class HttpPointStartupTest {
    @TempDir Path tmp;

    /** Bound of the p99 of each of the first two 1-second intervals of the timeline (warmup included), ms. */
    static final double FIRST_SECONDS_P99_MAX_MS = 1000;
    /**
     * On a busier machine the bound scales with the same cold point run with sleep work side by side: the stall cost
     * the HTTP point 6-10x the sleep point's first-second p99 (1881-2851 ms against 229-313 ms); a client without it
     * measured 1.3-2x (396-614 ms).
     */
    static final double SLEEP_RATIO_MAX = 3;

    @Test
    void anHttpPointDoesNotStallAtItsStart() throws Exception {
        // the same cold point with sleep work, run side by side: what a cold JVM on this machine costs right now
        JsonNode sleepRows = run("sleep", "{sleep: {lognormal: {median: 2ms, p99: 10ms}}}").path("rows");
        JsonNode rows = run("http", "{http: {lognormal: {median: 2ms, p99: 10ms}}}").path("rows");
        assertThat(rows.size()).as(rows.toString()).isGreaterThanOrEqualTo(2);
        for (int i = 0; i < 2; i++) {
            JsonNode row = rows.get(i);
            // a second without a single answer writes p99_ms -1: that is the worst stall, not a pass
            assertThat(row.path("throughput").asDouble()).as("answers/s in second %d; intervals: %s", i + 1, rows).isGreaterThan(0);
            double bound = Math.max(FIRST_SECONDS_P99_MAX_MS, SLEEP_RATIO_MAX * sleepRows.path(i).path("p99_ms").asDouble());
            assertThat(row.path("p99_ms").asDouble()).as("p99 of second %d, ms (bound %.0f; sleep work's intervals: %s); intervals: %s",
                            i + 1, bound, sleepRows, rows)
                    .isBetween(0.0, bound);
        }
    }

    /** Runs the cold point with {@code work} in a forked JVM; returns its intervals.json. */
    private JsonNode run(String label, String work) throws Exception {
        Path scenario = tmp.resolve(label + ".yaml");
        Files.writeString(scenario, """
                name: http-start
                description: a cold HTTP point; its first seconds must not stall
                seed: 3
                phases: {warmup: 1s, measure: 2s, cooldown: 500ms}
                load:
                  open: {arrival: poisson, rate: 500/s}
                pipeline:
                  - name: call
                    threads: virtual
                    work: WORK
                downstream: {connections: 32, error_rate: 0.0}
                slos: [nothing_lost, no_leaked_threads]
                sweep: {stage: call, widths: [16], designs: [engine], repeats: 1}
                """.replace("WORK", work));
        Path dir = tmp.resolve("run-" + label);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"run", scenario.toString(), "--run-dir", dir.toString(), "--no-report"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        // the run must run; whether the point is valid (a busy machine can make the generator fall behind) is not
        // this test's question
        assertThat(code).as(out + "\n" + err).isIn(ExitCodes.OK, ExitCodes.SLO_FAILED);
        JsonNode point = RunJson.MAPPER.readTree(dir.resolve("points/engine-w16-r0/point.json").toFile());
        assertThat(point.path("response_ms").path("count").asLong()).as(label + ": answers in the measured window").isGreaterThan(500);
        return RunJson.MAPPER.readTree(dir.resolve("points/engine-w16-r0/intervals.json").toFile());
    }
}
