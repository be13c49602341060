package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.run.InProcessPointExecutor;
import io.fanlab.harness.run.PointExecutor;
import io.fanlab.harness.run.RunDirectory;
import io.fanlab.harness.run.SweepRunner;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioLoader;
import io.fanlab.harness.scenario.ScenarioWriter;
import io.fanlab.reports.ReportGenerator;
import io.fanlab.reports.run.RunJson;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fanlab run --resume}: a sweep killed after its first point (written by the real harness: the sweep runner,
 * the run directory and an in-process point, then an executor that dies inside the second point, leaving that
 * point's partial folder and events behind) is continued; every point is then recorded exactly once, the point
 * recorded before the kill keeps its bytes, and the report renders complete. The partial run's report warns.
 */
class ResumeTest {
    @TempDir Path tmp;

    static final String SCENARIO = """
            name: resumable
            description: three short points for the resume test
            seed: 11
            phases: {warmup: 300ms, measure: 700ms, cooldown: 200ms}
            load:
              closed: {users: 4, think: {exponential: 5ms}}
            pipeline:
              - name: work
                queue: 128
                work: {sleep: {exponential: 1ms}}
            slos:
              - nothing_lost
            sweep: {stage: work, widths: [2, 4, 8], designs: [engine], repeats: 1}
            """;

    static FanlabCliTest.Result cli(String... args) { return FanlabCliTest.cli(args); }

    /** The real harness writes a run dir, and "dies" inside the second point, as a kill -9 of the sweep would. */
    Path killedRun(Path scenarioFile) throws Exception {
        var designs = Designs.discover();
        Scenario s = ScenarioLoader.load(scenarioFile, designs.keySet());
        Path dir = tmp.resolve("run");
        RunDirectory run = RunDirectory.create(tmp, dir, s.name(), s.description(), ScenarioWriter.toYaml(s), io.fanlab.reports.run.RunJson.MAPPER.convertValue(Map.of("started_at", "now"), io.fanlab.reports.run.RunEnvironment.class),
                InProcessPointExecutor.load(s), InProcessPointExecutor.sloNames(s));
        PointExecutor real = new InProcessPointExecutor(s, designs);
        AtomicInteger n = new AtomicInteger();
        PointExecutor dying = (req, progress) -> {
            if (n.getAndIncrement() == 0) return real.execute(req, progress);
            // the killed attempt of point 2: a partial folder and a fault window on the run clock, then death
            try {
                Files.createDirectories(run.pointDir(req.id()));
                Files.writeString(run.pointDir(req.id()).resolve("intervals.json"), "{\"rows\": [");
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            run.events().event("fault_start", req.id(), Map.of("kind", "killed-attempt"));
            throw new Killed();
        };
        try {
            new SweepRunner(s, run, dying, new PrintStream(java.io.OutputStream.nullOutputStream()), false).run();
            throw new AssertionError("the sweep should have been killed");
        } catch (Killed expected) {
            // the sweep's JVM is "gone"
        }
        return dir;
    }

    static final class Killed extends RuntimeException {}

    @Test
    void aKilledSweepResumesKeepingItsFinishedPointAndRecordsEveryPointOnce() throws Exception {
        Path file = tmp.resolve("resumable.yaml");
        Files.writeString(file, SCENARIO);
        Path dir = killedRun(file);
        Path first = dir.resolve("points/engine-w2-r0/point.json");
        byte[] before = Files.readAllBytes(first);
        JsonNode partial = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(partial.path("finished").asBoolean()).isFalse();
        assertThat(partial.path("points")).hasSize(1);
        // the partial run's report renders, with a warning that says so and how to continue
        var report = ReportGenerator.generate(dir);
        assertThat(report.warnings()).anyMatch(w -> w.startsWith("run not finished") && w.contains("--resume"));
        assertThat(Files.readString(report.reportHtml())).contains("run not finished");

        // a used --run-dir is refused, and the refusal names --resume
        FanlabCliTest.Result used = cli("run", file.toString(), "--in-process", "--run-dir", dir.toString());
        assertThat(used.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(used.err()).contains("--resume " + dir);

        // resume without naming the scenario: the recorded one runs
        FanlabCliTest.Result r = cli("run", "--resume", dir.toString(), "--in-process");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("engine-w2-r0").contains("kept (recorded before the run was killed)");

        assertThat(Files.readAllBytes(first)).as("the recorded point is untouched").isEqualTo(before);
        JsonNode results = RunJson.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(results.path("finished").asBoolean()).isTrue();
        assertThat(results.path("run_id").asText()).isEqualTo("run");
        assertThat(results.path("run_start_epoch_ms").asLong()).isEqualTo(partial.path("run_start_epoch_ms").asLong());
        List<String> ids = new java.util.ArrayList<>();
        results.path("points").forEach(p -> ids.add(p.path("id").asText()));
        assertThat(ids).containsExactly("engine-w2-r0", "engine-w4-r0", "engine-w8-r0");
        for (String id : ids) {
            JsonNode p = RunJson.MAPPER.readTree(dir.resolve("points").resolve(id).resolve("point.json").toFile());
            assertThat(p.path("status").asText()).isEqualTo("ok");
            assertThat(p.path("conservation_ok").asBoolean()).isTrue();
            assertThat(dir.resolve("points").resolve(id).resolve("intervals.json")).isNotEmptyFile();
        }
        // the events: one point_start and one point_end per point, the killed attempt's lines gone, a resume event
        List<JsonNode> events = Files.readAllLines(dir.resolve("events.jsonl"), StandardCharsets.UTF_8).stream().map(l -> {
            try {
                return RunJson.MAPPER.readTree(l);
            } catch (java.io.IOException e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        for (String id : ids) {
            assertThat(events.stream().filter(e -> e.path("type").asText().equals("point_start") && e.path("point").asText().equals(id))).as(id).hasSize(1);
            assertThat(events.stream().filter(e -> e.path("type").asText().equals("point_end") && e.path("point").asText().equals(id))).as(id).hasSize(1);
        }
        assertThat(events).noneMatch(e -> e.path("kind").asText().equals("killed-attempt"));
        JsonNode resume = events.stream().filter(e -> e.path("type").asText().equals("resume")).findFirst().orElseThrow();
        assertThat(resume.path("recorded").toString()).isEqualTo("[\"engine-w2-r0\"]");
        assertThat(resume.path("rerun").toString()).isEqualTo("[\"engine-w4-r0\",\"engine-w8-r0\"]");
        // the report is complete: no warning of a missing or unfinished point
        var done = ReportGenerator.generate(dir);
        assertThat(done.warnings()).noneMatch(w -> w.startsWith("run not finished") || w.contains("has no record"));
        assertThat(dir.resolve("report.html")).exists();
        assertThat(dir.resolve("junit.xml")).content().doesNotContain("run not finished (finished: false)");

        // a finished run has nothing to resume
        FanlabCliTest.Result again = cli("run", "--resume", dir.toString(), "--in-process");
        assertThat(again.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("finished run").doesNotContain("\tat ");
    }

    @Test
    void aResumeWithAnotherScenarioIsRefused() throws Exception {
        Path file = tmp.resolve("resumable.yaml");
        Files.writeString(file, SCENARIO);
        Path dir = killedRun(file);
        byte[] results = Files.readAllBytes(dir.resolve("results.json"));
        byte[] events = Files.readAllBytes(dir.resolve("events.jsonl"));

        FanlabCliTest.Result seed = cli("run", "--resume", dir.toString(), "--in-process", "--seed", "12");
        assertThat(seed.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(seed.err()).contains("differs from the one recorded").contains("seed: 11").contains("seed: 12").doesNotContain("\tat ");

        Path other = tmp.resolve("other.yaml");
        Files.writeString(other, SCENARIO.replace("widths: [2, 4, 8]", "widths: [2, 4, 16]"));
        FanlabCliTest.Result widths = cli("run", other.toString(), "--resume", dir.toString(), "--in-process");
        assertThat(widths.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(widths.err()).contains("other.yaml").contains("16");

        assertThat(cli("run", "--resume", tmp.resolve("nope").toString(), "--in-process").code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli("run", "--in-process").code()).isEqualTo(ExitCodes.BAD_INPUT);
        // a refused resume changed nothing
        assertThat(Files.readAllBytes(dir.resolve("results.json"))).isEqualTo(results);
        assertThat(Files.readAllBytes(dir.resolve("events.jsonl"))).isEqualTo(events);

        // the same scenario file, given explicitly, resolves to the recorded scenario and resumes
        FanlabCliTest.Result same = cli("run", file.toString(), "--resume", dir.toString(), "--in-process", "--no-report");
        assertThat(same.code()).as(same.out() + same.err()).isEqualTo(ExitCodes.OK);
    }
}
