package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fanlab.harness.load.LoadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load: {trace: file.csv, speed}} in the scenario format: bound, validated at the edge, written back. */
class TraceLoadTest {
    @TempDir Path tmp;

    static final String SCENARIO = """
            name: replay
            phases: {warmup: 1s, measure: 2s, cooldown: 1s}
            load: %s
            pipeline:
              - {name: work, width: 2, work: {sleep: {constant: 1ms}}}
            %s
            """;

    Path write(String load, String extra, String csv) throws Exception {
        Files.createDirectories(tmp.resolve("traces"));
        Files.writeString(tmp.resolve("traces/incident.csv"), csv);
        Path f = tmp.resolve("replay.yaml");
        Files.writeString(f, SCENARIO.formatted(load, extra));
        return f;
    }

    List<String> problems(Path f) {
        return catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(f, ScenarioFiles.DESIGNS)).problems().stream()
                .map(p -> p.render(tmp)).toList();
    }

    @Test
    void aTraceRelativeToTheScenarioLoadsAndWritesBackToTheSameScenario() throws Exception {
        Path f = write("{trace: traces/incident.csv, speed: 2.0}", "", "t,key\n0.5,a\n1.0,b\n");
        Scenario s = ScenarioLoader.load(f, ScenarioFiles.DESIGNS);
        var trace = (LoadSpec.Arrival.Trace) ((LoadSpec.Open) s.load()).arrival();
        assertThat(trace.speed()).isEqualTo(2.0);
        assertThat(trace.trace().size()).isEqualTo(2);
        assertThat(trace.trace().file()).isEqualTo(tmp.resolve("traces/incident.csv").toAbsolutePath().normalize());
        // the resolved scenario (written into a run directory elsewhere) names the trace absolutely and reads back equal
        String yaml = ScenarioWriter.toYaml(s);
        assertThat(yaml).contains("trace: " + trace.trace().file()).contains("speed: 2.0");
        Files.createDirectories(tmp.resolve("run"));
        Path resolved = tmp.resolve("run/scenario.resolved.yaml");
        Files.writeString(resolved, yaml);
        Scenario again = ScenarioLoader.load(resolved, ScenarioFiles.DESIGNS);
        assertThat(again.load()).isEqualTo(s.load());
        assertThat(ScenarioWriter.toYaml(again)).isEqualTo(yaml);
        // speed defaults to the recorded pace
        Scenario paced = ScenarioLoader.load(write("{trace: traces/incident.csv}", "", "t\n1\n"), ScenarioFiles.DESIGNS);
        assertThat(((LoadSpec.Arrival.Trace) ((LoadSpec.Open) paced.load()).arrival()).speed()).isEqualTo(Defaults.TRACE_SPEED);
    }

    @Test
    void badRowsAreProblemsAtTheCsvsLineAndColumn() throws Exception {
        Path f = write("{trace: traces/incident.csv}", "", "t,key,outcome\n0.5,a,ok\n0.7,b,maybe\nlater,c,ok\n");
        assertThat(problems(f)).containsExactly(
                "traces/incident.csv:3:7: load.trace: outcome: 'maybe' (expected: ok, error, an HTTP status 100-599, or empty)",
                "traces/incident.csv:4:1: load.trace: t: 'later' (expected: seconds since the trace start, like 12.250, or an ISO-8601 timestamp)");
    }

    @Test
    void misusedTraceKeysAreProblems() throws Exception {
        assertThat(problems(write("{trace: traces/nope.csv}", "", "t\n1\n")))
                .singleElement().asString().startsWith("replay.yaml:3:15: load.trace: traces/nope.csv (expected: a readable CSV").contains("no such file");
        assertThat(problems(write("{open: {rate: 10/s}, speed: 2.0}", "", "t\n1\n"))).singleElement().asString().contains("load.speed: without trace");
        assertThat(problems(write("{open: {rate: 10/s}, trace: traces/incident.csv}", "", "t\n1\n"))).singleElement().asString()
                .contains("load.trace: given with open");
        assertThat(problems(write("{trace: traces/incident.csv, speed: 0}", "", "t\n1\n"))).singleElement().asString()
                .contains("load.speed: 0.0 (expected: finite > 0");
        assertThat(problems(write("{trace: traces/incident.csv}", "faults:\n  - {load_spike: {at: 1s, duration: 1s, factor: 2}}", "t\n1\n")))
                .singleElement().asString().contains("faults[0].load_spike: with load.trace");
    }
}
