package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.harness.cli.FanlabCli;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, defect 7, shortened: 20,000/s into width 2 of 1 ms sleeps with blocking admission. Before the deadline
 * the generator submitted every arrival of the window at the design's pace (2,000/s at best), so a 2 s window took
 * 20 s and more; the point stayed "valid" with every start missed and no word on why.
 */
class OpenLoadDeadlineTest {
    @TempDir Path tmp;

    static final String OVERLOAD = """
            name: overload
            description: open load ten times above capacity, blocking admission
            seed: 1
            phases: {warmup: 500ms, measure: 2s, cooldown: 500ms}
            load:
              open: {arrival: constant, rate: 20000/s}
            pipeline:
              - name: work
                queue: 64
                admission: {overflow: block}
                work: {sleep: {constant: 1ms}}
            slos:
              - nothing_lost
            sweep: {stage: work, widths: [2], designs: [engine], repeats: 1}
            """;

    @Test
    void aSaturatedPointEndsOnTimeAndSaysWhy() throws Exception {
        Path f = tmp.resolve("overload.yaml");
        Files.writeString(f, OVERLOAD);
        Path dir = tmp.resolve("run");
        StringWriter out = new StringWriter(), err = new StringWriter();
        long t0 = System.nanoTime();
        FanlabCli.execute(new String[] {"run", f.toString(), "--in-process", "--run-dir", dir.toString(), "--no-report"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        double wallS = (System.nanoTime() - t0) / 1e9;
        // phases 3 s + cancel and leak grace (2 s each at most) + slack for a busy machine; before the fix: > 20 s
        assertThat(wallS).as(out + "\n" + err).isLessThan(10);

        JsonNode p = RunJson.MAPPER.readTree(dir.resolve("points/engine-w2-r0/point.json").toFile());
        JsonNode v = p.path("validity");
        assertThat(v.path("state").asText()).as(p.toPrettyString()).isEqualTo("saturated");
        assertThat(p.path("valid").asBoolean()).isTrue();
        assertThat(v.path("blocked_share").asDouble()).isGreaterThan(0.5);
        long notStarted = v.path("not_started").asLong();
        assertThat(notStarted).isPositive();
        // nothing silently dropped: every arrival of the schedule before the window's end was offered or counted
        assertThat(p.path("offered").asLong() + notStarted).isEqualTo(20_000L * 5 / 2);
        assertThat(p.path("conservation_ok").asBoolean()).isTrue();
        assertThat(p.path("warnings").get(0).asText()).startsWith("saturated: the design pushed back on the generator")
                .contains(notStarted + " (");
    }
}
