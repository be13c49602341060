package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fanlab reproduce RUN_DIR}: a new run directory with the recorded scenario (same resolved text: seed, phases,
 * designs, widths), the same points, the recorded point mode, and the judgement of {@code fanlab compare} written into
 * it: exit 0 when the figures agree within noise, 1 when they do not (a recorded figure altered on disk).
 */
class ReproduceTest {
    @TempDir Path tmp;

    static List<String> ids(Path dir) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode p : RunJson.MAPPER.readTree(dir.resolve("results.json").toFile()).path("points")) ids.add(p.path("id").asText());
        return ids;
    }

    // loose tolerances: the property is agreement vs a change of the recorded figures, not this shared machine's tail noise
    static final String TOL = "throughput=0.3,p50=off,p99=off,p999=off";

    @Test
    void reproduceRerunsTheRecordedScenarioIntoANewRunDirectory() throws Exception {
        Path file = tmp.resolve("resumable.yaml");
        Files.writeString(file, ResumeTest.SCENARIO.replace("widths: [2, 4, 8]", "widths: [2, 4]"));
        Path original = tmp.resolve("runs/original");
        // overrides belong to the recorded run: the reproduction must not need them again
        FanlabCliTest.Result first = FanlabCliTest.cli("run", file.toString(), "--in-process", "--run-dir", original.toString(), "--seed", "99", "--no-report");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(ExitCodes.OK);
        Files.delete(file); // the scenario file is gone: the run directory alone is enough

        FanlabCliTest.Result r = FanlabCliTest.cli("reproduce", original.toString(), "--no-report", "--tolerance", TOL);
        // a rerun never disagrees; on a machine busy enough to invalidate a point, or to change under a point that moved,
        // it says so (exit 4) rather than agree
        assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.INCONCLUSIVE);
        boolean agreed = r.code() == ExitCodes.OK;
        List<Path> dirs;
        try (var s = Files.list(tmp.resolve("runs"))) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("original-repro-")).toList();
        }
        assertThat(dirs).hasSize(1);
        Path repro = dirs.get(0);
        assertThat(Files.readString(repro.resolve("scenario.resolved.yaml"))).isEqualTo(Files.readString(original.resolve("scenario.resolved.yaml")))
                .contains("seed: 99");
        assertThat(ids(repro)).isEqualTo(ids(original)).containsExactly("engine-w2-r0", "engine-w4-r0");
        assertThat(RunJson.MAPPER.readTree(repro.resolve("results.json").toFile()).path("finished").asBoolean()).isTrue();
        // the recorded run was in-process, so is the reproduction
        assertThat(RunJson.MAPPER.readTree(repro.resolve("environment.json").toFile()).path("command").asText()).contains("--in-process");
        assertThat(r.out()).contains("fanlab compare " + repro + " --baseline " + original).doesNotContain("did not reproduce")
                .contains(agreed ? "reproduced: the figures agree within noise" : "inconclusive: ");
        // the judgement is compare's, written where compare writes it
        JsonNode cmp = RunJson.MAPPER.readTree(repro.resolve("compare.json").toFile());
        assertThat(cmp.path("regressed").asBoolean()).isFalse();
        assertThat(cmp.path("baseline").asText()).isNotEqualTo(cmp.path("candidate").asText());
        assertThat(cmp.path("rows")).isNotEmpty().allSatisfy(row -> assertThat(row.path("mark").asText()).isIn("within_noise", "not_compared", "inconclusive"));
        assertThat(repro.resolve("compare.html")).exists();
        // closed load with the same seed: the same items are offered in order; both runs conserve every item
        for (String id : ids(repro)) {
            JsonNode a = RunJson.MAPPER.readTree(original.resolve("points").resolve(id).resolve("point.json").toFile());
            JsonNode b = RunJson.MAPPER.readTree(repro.resolve("points").resolve(id).resolve("point.json").toFile());
            assertThat(b.path("conservation_ok").asBoolean()).isTrue();
            assertThat(b.path("design").asText()).isEqualTo(a.path("design").asText());
            assertThat(b.path("width").asInt()).isEqualTo(a.path("width").asInt());
        }
    }

    @Test
    void figuresThatMovedBeyondNoiseDoNotReproduce() throws Exception {
        Path file = tmp.resolve("one.yaml");
        Files.writeString(file, ResumeTest.SCENARIO.replace("widths: [2, 4, 8]", "widths: [2]"));
        Path original = tmp.resolve("runs/original");
        FanlabCliTest.Result first = FanlabCliTest.cli("run", file.toString(), "--in-process", "--run-dir", original.toString(), "--no-report");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(ExitCodes.OK);
        // the recorded figure says the run did twice the throughput it did: a rerun cannot agree with it
        // (results.json holds the points the reader uses; point.json is altered alike to keep the directory consistent)
        double measured = 0;
        for (Path f : List.of(original.resolve("results.json"), original.resolve("points/engine-w2-r0/point.json"))) {
            var json = (com.fasterxml.jackson.databind.node.ObjectNode) RunJson.MAPPER.readTree(f.toFile());
            var p = (com.fasterxml.jackson.databind.node.ObjectNode) (json.has("points") ? json.path("points").get(0) : json);
            measured = p.path("throughput").asDouble();
            assertThat(measured).isPositive();
            p.put("throughput", measured * 2);
            // no witness of the machine on the recorded side: the change is judged as a change (MachineCheckTest covers the witnesses)
            if (p.path("validity").isObject()) ((com.fasterxml.jackson.databind.node.ObjectNode) p.path("validity")).putNull("other_cpu_share");
            Files.writeString(f, RunJson.MAPPER.writeValueAsString(json));
        }
        withoutCalibration(original);

        Path repro = tmp.resolve("runs/repro");
        FanlabCliTest.Result r = FanlabCliTest.cli("reproduce", original.toString(), "--run-dir", repro.toString(), "--no-report", "--tolerance", TOL);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SLO_FAILED);
        assertThat(r.out()).contains("did not reproduce: engine w=2 throughput regressed").doesNotContain("reproduced: the figures agree");
        JsonNode cmp = RunJson.MAPPER.readTree(repro.resolve("compare.json").toFile());
        assertThat(cmp.path("regressed").asBoolean()).isTrue();
        // the same judgement as 'fanlab compare' on the same two directories
        FanlabCliTest.Result compare = FanlabCliTest.cli("compare", repro.toString(), "--baseline", original.toString(), "--tolerance", TOL,
                "--out", tmp.resolve("cmp").toString());
        assertThat(compare.code()).isEqualTo(ExitCodes.SLO_FAILED);
        assertThat(RunJson.MAPPER.readTree(tmp.resolve("cmp/compare.json").toFile()).path("rows")).isEqualTo(cmp.path("rows"));
        assertThat(FanlabCliTest.cli("reproduce", original.toString(), "--tolerance", "speed=0.1").code()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    /** Drops the run's calibration event (the harness floor): the machine check then has no floor to compare. */
    static void withoutCalibration(Path run) throws java.io.IOException {
        Path ev = run.resolve("events.jsonl");
        Files.write(ev, Files.readAllLines(ev).stream().filter(l -> !l.contains("\"calibration\"")).toList());
    }

    @Test
    void figuresThatMovedWhereTheMachineChangedAreInconclusiveNotADisagreement() throws Exception {
        Path file = tmp.resolve("machine.yaml");
        Files.writeString(file, ResumeTest.SCENARIO.replace("widths: [2, 4, 8]", "widths: [2]"));
        Path original = tmp.resolve("runs/original");
        FanlabCliTest.Result first = FanlabCliTest.cli("run", file.toString(), "--in-process", "--run-dir", original.toString(), "--no-report");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(ExitCodes.OK);
        // the recorded run says ten times the throughput (a busy test machine halves a rerun's), and a harness floor of a
        // second: a machine unlike any the rerun meets
        for (Path f : List.of(original.resolve("results.json"), original.resolve("points/engine-w2-r0/point.json"))) {
            var json = (com.fasterxml.jackson.databind.node.ObjectNode) RunJson.MAPPER.readTree(f.toFile());
            var p = (com.fasterxml.jackson.databind.node.ObjectNode) (json.has("points") ? json.path("points").get(0) : json);
            p.put("throughput", p.path("throughput").asDouble() * 10);
            Files.writeString(f, RunJson.MAPPER.writeValueAsString(json));
        }
        withoutCalibration(original);
        Files.writeString(original.resolve("events.jsonl"), "{\"t_s\":0.1,\"type\":\"calibration\",\"point\":null,\"mean_ms\":1000.0,\"too_high\":true}\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path repro = tmp.resolve("runs/repro");
        FanlabCliTest.Result r = FanlabCliTest.cli("reproduce", original.toString(), "--run-dir", repro.toString(), "--no-report", "--tolerance", TOL);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.INCONCLUSIVE);
        assertThat(r.out()).contains("inconclusive: engine w=2 throughput (-").contains("moved where the machine changed")
                .contains("the harness floor (null work) moved from 1000.000 ms").doesNotContain("did not reproduce").doesNotContain("reproduced:");
        JsonNode cmp = RunJson.MAPPER.readTree(repro.resolve("compare.json").toFile());
        assertThat(cmp.path("regressed").asBoolean()).isFalse();
        assertThat(cmp.path("inconclusive").asBoolean()).isTrue();
        FanlabCliTest.Result compare = FanlabCliTest.cli("compare", repro.toString(), "--baseline", original.toString(), "--tolerance", TOL,
                "--out", tmp.resolve("cmp").toString());
        assertThat(compare.code()).isEqualTo(ExitCodes.INCONCLUSIVE);
        // without the machine check the same figures are a regression
        FanlabCliTest.Result unchecked = FanlabCliTest.cli("compare", repro.toString(), "--baseline", original.toString(), "--tolerance", TOL,
                "--out", tmp.resolve("cmp2").toString(), "--no-machine-check");
        assertThat(unchecked.code()).isEqualTo(ExitCodes.SLO_FAILED);
    }

    @Test
    void aFolderWithoutARunIsBadInput() throws Exception {
        FanlabCliTest.Result none = FanlabCliTest.cli("reproduce", tmp.resolve("nope").toString());
        assertThat(none.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(none.err()).contains("no such run directory").doesNotContain("\tat ");
        Files.createDirectories(tmp.resolve("empty"));
        FanlabCliTest.Result empty = FanlabCliTest.cli("reproduce", tmp.resolve("empty").toString());
        assertThat(empty.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(empty.err()).contains("no scenario.resolved.yaml");
        assertThat(FanlabCliTest.cli("reproduce", "--help").code()).isEqualTo(ExitCodes.OK);
    }
}
