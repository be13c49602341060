package io.fanlab.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fanlab from a user's build: {@code examples/bounded-pool} (its own pom, depending on the installed fanlab
 * artifacts) builds and its tests pass; its deliberately broken design fails its build with a readable verdict;
 * its design jar runs through the CLI with {@code --classpath}. Each build's output is kept in
 * {@code it/target/it/*.log}. Runs in the install phase (see this module's pom).
 */
class ExampleProjectTest {
    static final Path ROOT = Path.of(System.getProperty("fanlab.it.root", "..")).toAbsolutePath().normalize();
    static final Path WORK = Path.of("target/it").toAbsolutePath();
    static final Path EXAMPLE = WORK.resolve("bounded-pool");
    static final ObjectMapper JSON = new ObjectMapper();
    static Run passing;

    record Run(int code, String output) {}

    /** A copy of the example (its target/ stays out of the source tree), built and tested once for all tests. */
    @BeforeAll
    static void buildTheExample() throws Exception {
        if (Files.exists(WORK)) deleteTree(WORK);
        Files.createDirectories(WORK);
        Path source = ROOT.resolve("examples/bounded-pool");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(p -> !source.relativize(p).startsWith("target")).toList()) {
                Path to = EXAMPLE.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        passing = mvn("passing", "package");
    }

    static Run mvn(String log, String... goalsAndFlags) throws Exception {
        String repo = System.getProperty("fanlab.it.repo");
        String home = System.getProperty("fanlab.it.maven");
        assertThat(repo).as("fanlab.it.repo (set by the pom from settings.localRepository)").isNotBlank();
        List<String> cmd = new ArrayList<>(List.of(home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString(),
                "-B", "-o", "-ntp", "-Dmaven.repo.local=" + repo, "-Dfanlab.version=" + System.getProperty("fanlab.it.version"),
                "-f", EXAMPLE.resolve("pom.xml").toString()));
        cmd.addAll(List.of(goalsAndFlags));
        return exec(log, cmd, Map.of("JAVA_HOME", System.getProperty("java.home")));
    }

    static Run exec(String log, List<String> cmd, Map<String, String> env) throws Exception {
        Path out = WORK.resolve(log + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(WORK.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", cmd) + ": did not finish within 5 minutes; output in " + out);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void theExampleBuildsAndItsTestsPassAgainstTheInstalledArtifacts() throws Exception {
        assertThat(passing.code()).as("example build exit code; output:%n%s", passing.output()).isZero();
        assertThat(passing.output()).contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed")
                .contains("-- in com.example.fanout.BoundedPoolDesignTest").contains("BUILD SUCCESS");
        Path run = EXAMPLE.resolve("target/fanlab-runs/BoundedPoolDesignTest.meetsItsSlosAtEveryWidth");
        JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
        assertThat(results.path("finished").asBoolean()).isTrue();
        assertThat(results.path("points")).hasSize(2).allSatisfy(p -> {
            assertThat(p.path("design").asText()).isEqualTo("bounded-pool");
            assertThat(p.path("status").asText()).isEqualTo("ok");
            assertThat(p.path("conservation_ok").asBoolean()).isTrue();
            assertThat(p.path("offered").asLong()).isPositive();
        });
        // each width ran in a forked JVM that saw the example's test classpath
        assertThat(run.resolve("points/bounded-pool-w8-r0/stderr.log")).exists();
        assertThat(run.resolve("report.html")).exists();
    }

    @Test
    void aDesignThatLosesItemsFailsTheBuildWithAReadableVerdict() throws Exception {
        Run r = mvn("failing", "test", "-Dfanlab.example.broken=true", "-Dtest=LossyPoolDesignTest");
        assertThat(r.code()).as("the broken design's build fails; output:%n%s", r.output()).isNotZero();
        assertThat(r.output())
                .contains("Tests run: 2, Failures: 2, Errors: 0, Skipped: 0")
                .contains("fanlab scenario 'bounded-pool' failed: 2 of 2 point(s) missed an SLO or a check")
                .containsPattern("bounded-pool-lossy at width 2: items lost or duplicated: \\d+ of \\d+ offered items never ended")
                .containsPattern("bounded-pool-lossy at width 8: items lost or duplicated: \\d+ of \\d+ offered items never ended")
                .contains("FAIL (items lost)")
                .contains("design bounded-pool-lossy: nothing lost, nothing duplicated: 5000 items submitted, 50 never reported"
                        + " (first seqs: [99, 199, 299, 399, 499, 599, 699, 799, 899, 999]), 0 reported more than once")
                .contains("BUILD FAILURE");
    }

    @Test
    void theExampleDesignJarRunsThroughTheCliWithClasspath() throws Exception {
        assertThat(passing.code()).isZero();
        Path jar = EXAMPLE.resolve("target/bounded-pool-design-1.0-SNAPSHOT.jar");
        assertThat(jar).exists();
        String fanlab = ROOT.resolve("scripts/fanlab").toString();
        String scenario = EXAMPLE.resolve("src/test/resources/scenarios/bounded-pool.yaml").toString();
        Path runDir = WORK.resolve("cli-run");

        Run without = exec("cli-without-classpath", List.of(fanlab, "validate", scenario), Map.of());
        assertThat(without.code()).as(without.output()).isEqualTo(2);
        assertThat(without.output()).contains("sweep.designs[0]: 'bounded-pool' (expected: one of");

        Run listed = exec("cli-list-env-classpath", List.of(fanlab, "list", "--designs"), Map.of("CLASSPATH", jar.toString()));
        assertThat(listed.output()).as("CLASSPATH is honoured by scripts/fanlab").contains("bounded-pool").contains("example: N platform threads");

        Run r = exec("cli-run", List.of(fanlab, "run", scenario, "--classpath", jar.toString(), "--widths", "2", "--run-dir", runDir.toString(), "--no-report"), Map.of());
        assertThat(r.code()).as("fanlab run exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output()).containsPattern("bounded-pool\\s+2\\s+0 .* PASS");
        JsonNode point = JSON.readTree(runDir.resolve("results.json").toFile()).path("points").get(0);
        assertThat(point.path("design").asText()).isEqualTo("bounded-pool");
        assertThat(point.path("conservation_ok").asBoolean()).isTrue();
        JsonNode env = JSON.readTree(runDir.resolve("environment.json").toFile());
        assertThat(env.path("designs_classpath").get(0).asText()).isEqualTo(jar.toString());
        assertThat(env.path("command").asText()).isEqualTo("scripts/fanlab run " + scenario + " --classpath " + jar + " --widths 2 --run-dir " + runDir + " --no-report");
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
