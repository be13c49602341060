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

/** Issue 9: a fault that {@code --duration} pushed out of the measured window was accepted silently. */
class FaultOutsideWindowRunTest {
    @TempDir Path tmp;

    @Test
    void aFaultThatDurationPushedOutOfTheWindowIsNamedInTheRecord() throws Exception {
        Path f = tmp.resolve("late.yaml");
        Files.writeString(f, """
                name: late
                description: a fault timed for a 3 s window
                seed: 1
                phases: {warmup: 500ms, measure: 3s, cooldown: 3s}
                load:
                  closed: {users: 4, think: {constant: 5ms}}
                pipeline:
                  - name: work
                    work: {sleep: {constant: 1ms}}
                faults:
                  - {latency_spike: {at: 3s, duration: 1s, factor: 10, fraction: 1.0, stage: work}}
                slos:
                  - nothing_lost
                sweep: {stage: work, widths: [2], designs: [engine], repeats: 1}
                """);
        Path dir = tmp.resolve("run");
        StringWriter out = new StringWriter(), err = new StringWriter();
        FanlabCli.execute(new String[] {"run", f.toString(), "--in-process", "--duration", "1s", "--run-dir", dir.toString(), "--no-report"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        JsonNode p = RunJson.MAPPER.readTree(dir.resolve("points/engine-w2-r0/point.json").toFile());
        assertThat(p.path("warnings").toString()).as(out + "\n" + err)
                .contains("fault latency_spike [3s, 4s) lies outside the measured window [0.5s, 1.5s): its effect is not in the point's figures");
    }
}
