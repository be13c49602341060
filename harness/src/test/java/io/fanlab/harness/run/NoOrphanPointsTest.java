package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.cli.FanlabCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point JVMs never outlive the CLI (issue 10, defect 6): a TERM signal to the CLI process alone (a supervisor, a CI
 * cancel, an IDE's stop button) and a {@code kill -9} of it both leave no point JVM running. The CLI runs as a real
 * process with a minute-long point; the signal goes to its pid only, never to its process group.
 */
class NoOrphanPointsTest {
    @TempDir Path tmp;
    private final List<ProcessHandle> started = new ArrayList<>();

    static final String SCENARIO = """
            name: long-point
            phases: {warmup: 1s, measure: 60s, cooldown: 1s}
            load: {open: {rate: 100/s}}
            pipeline:
              - name: w
                work: {sleep: {constant: 1ms}}
            """;

    /** Starts the CLI on a one-minute point and returns it once its point JVM runs. */
    Process startCliWithRunningPoint() throws Exception {
        Path scenario = Files.writeString(tmp.resolve("long.yaml"), SCENARIO);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process cli = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), FanlabCli.class.getName(),
                "run", scenario.toString(), "--no-report", "--run-dir", tmp.resolve("run").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("cli.log").toFile()).start();
        started.add(cli.toHandle());
        return cli;
    }

    static Optional<ProcessHandle> pointJvm(Process cli, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> p = cli.descendants().filter(h -> h.info().commandLine().orElse("").contains(PointMain.class.getName())).findFirst();
            if (p.isPresent()) return p;
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    static boolean endsWithin(ProcessHandle h, Duration d) {
        try {
            h.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !h.isAlive();
        }
    }

    @Test
    void termToTheCliAloneEndsItsPointJvm() throws Exception {
        Process cli = startCliWithRunningPoint();
        ProcessHandle point = pointJvm(cli, Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError("no point JVM started; " + log()));
        started.add(point);
        cli.toHandle().destroy(); // SIGTERM to the CLI's pid only
        assertThat(cli.waitFor(30, TimeUnit.SECONDS)).as("the CLI ends on TERM").isTrue();
        assertThat(endsWithin(point, Duration.ofSeconds(15))).as("point JVM " + point.pid() + " still running after the CLI ended").isTrue();
    }

    @Test
    void killNineOfTheCliEndsItsPointJvm() throws Exception {
        Process cli = startCliWithRunningPoint();
        ProcessHandle point = pointJvm(cli, Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError("no point JVM started; " + log()));
        started.add(point);
        cli.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook runs; the point must notice by itself
        assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(endsWithin(point, Duration.ofSeconds(15))).as("point JVM " + point.pid() + " still running after kill -9 of the CLI").isTrue();
        assertThat(Files.readString(tmp.resolve("run/points").resolve(PointRequest.idOf("engine", 1, 0)).resolve("stderr.log")))
                .contains("the sweep's JVM is gone");
    }

    String log() {
        try {
            return Files.readString(tmp.resolve("cli.log"));
        } catch (Exception e) {
            return "(no cli.log)";
        }
    }

    @AfterEach
    void killLeftovers() {
        for (ProcessHandle h : started) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }
}
