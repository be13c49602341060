package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.harness.cli.FanlabCli;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak (issue 10; {@code -Pslow}): sweeps of real CLI processes under repeated SIGTERM and {@code kill -9}, of the
 * CLI and of its point JVMs, at seeded random moments. After every round: no process the CLI started is alive,
 * every point listed in {@code results.json} has a readable {@code point.json}, every {@code point.json} present
 * parses, and {@code fanlab report} renders the directory.
 */
@Tag("slow")
class SignalSoakTest {
    @TempDir Path tmp;

    static final String SCENARIO = """
            name: soak
            phases: {warmup: 200ms, measure: 1s, cooldown: 200ms}
            load: {open: {rate: 300/s}}
            pipeline:
              - name: w
                work: {sleep: {exponential: 1ms}}
            sweep: {widths: [1, 2, 3, 4], repeats: 2}
            """;

    enum Action { TERM_CLI, KILL_CLI, TERM_POINT, KILL_POINT }

    @Test
    void noProcessSurvivesAndEveryFinishedPointIsReadable() throws Exception {
        Path scenario = Files.writeString(tmp.resolve("soak.yaml"), SCENARIO);
        Random random = new Random(20261207);
        int rounds = Integer.getInteger("fanlab.soak.rounds", 12);
        for (int round = 0; round < rounds; round++) {
            Action action = Action.values()[round % Action.values().length];
            Path runDir = tmp.resolve("run-" + round);
            Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                    FanlabCli.class.getName(), "run", scenario.toString(), "--no-report", "--run-dir", runDir.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("cli-" + round + ".log").toFile()).start();
            Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (cli.isAlive()) {
                    cli.descendants().forEach(seen::add);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                Thread.sleep(1_500 + random.nextInt(6_000));
                switch (action) {
                    case TERM_CLI -> cli.toHandle().destroy();
                    case KILL_CLI -> cli.toHandle().destroyForcibly();
                    case TERM_POINT, KILL_POINT -> {
                        for (int i = 0; i < 3; i++) { // several points of the sweep, then the CLI itself
                            pointOf(cli).ifPresent(p -> { if (action == Action.TERM_POINT) p.destroy(); else p.destroyForcibly(); });
                            Thread.sleep(500 + random.nextInt(2_000));
                        }
                        cli.toHandle().destroy();
                    }
                }
                assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("round %d (%s): the CLI ends", round, action).isTrue();
                watcher.join(1_000);
                for (ProcessHandle h : seen) {
                    try {
                        h.onExit().get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // checked below
                    }
                    assertThat(h.isAlive()).as("round %d (%s): pid %d (%s) survived the CLI", round, action, h.pid(), h.info().commandLine().orElse("?")).isFalse();
                }
                checkReadable(runDir, round, action);
            } finally {
                seen.forEach(ProcessHandle::destroyForcibly);
                cli.destroyForcibly();
            }
        }
    }

    static java.util.Optional<ProcessHandle> pointOf(Process cli) {
        return cli.descendants().filter(h -> h.info().commandLine().orElse("").contains(PointMain.class.getName())).findFirst();
    }

    static void checkReadable(Path runDir, int round, Action action) throws Exception {
        if (!Files.exists(runDir.resolve("results.json"))) return; // killed before the run directory was complete
        JsonNode results = RunJson.MAPPER.readTree(runDir.resolve("results.json").toFile());
        StringBuilder statuses = new StringBuilder();
        for (JsonNode p : results.get("points")) statuses.append(' ').append(p.get("id").asText()).append('=').append(p.get("status").asText());
        System.out.printf("soak round %d (%s): finished=%s, points:%s%n", round, action, results.get("finished"), statuses);
        for (JsonNode p : results.get("points")) {
            Path pointJson = runDir.resolve("points").resolve(p.get("id").asText()).resolve("point.json");
            assertThat(pointJson).as("round %d (%s)", round, action).isRegularFile();
            assertThat(RunJson.MAPPER.readValue(pointJson.toFile(), PointResult.class).id()).isEqualTo(p.get("id").asText());
        }
        try (Stream<Path> files = Files.walk(runDir.resolve("points"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("point.json")).toList())
                RunJson.MAPPER.readValue(f.toFile(), PointResult.class);
        }
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(new String[] {"report", runDir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        // a killed run renders, and says it is unfinished with exit 3 (as FanlabCliTest's aborted run does)
        int expected = results.get("finished").asBoolean() ? io.fanlab.harness.cli.ExitCodes.OK : io.fanlab.harness.cli.ExitCodes.RUN_FAILED;
        assertThat(code).as("round %d (%s): report of the killed run: %s", round, action, err).isEqualTo(expected);
        assertThat(runDir.resolve("report.html")).as("round %d (%s)", round, action).isRegularFile();
    }
}
