package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A design built elsewhere, as a jar that fanlab's classpath does not have: {@code fanlab run --classpath} finds it,
 * forked point JVMs load it, and the run directory records the classpath so its reproduce command works.
 */
class DesignJarClasspathTest {
    @TempDir static Path tmp;
    static Path jar;

    /** A design that runs each item's work on the submitting thread: no threads of its own to leak. */
    static final String SOURCE = """
            package com.acme;

            import io.fanlab.engine.Outcome;
            import io.fanlab.harness.design.*;
            import java.time.Duration;
            import java.util.List;

            public final class InlineDesign implements Design, DesignProvider {
                public List<Design> designs() { return List.of(this); }
                public String name() { return "acme-inline"; }
                public String description() { return "built outside fanlab: work runs on the submitting thread"; }
                public RunningDesign start(DesignContext ctx) {
                    return new RunningDesign() {
                        public void submit(Item item) {
                            try {
                                for (StageWork w : ctx.work()) w.run(item, () -> false);
                                ctx.completions().complete(item, Outcome.COMPLETED, null);
                            } catch (Exception e) {
                                ctx.completions().complete(item, Outcome.FAILED, e);
                            }
                        }
                        public Gauges gauges() { return Gauges.UNKNOWN; }
                        public boolean close(Duration d) { return true; }
                        public CancelResult cancel(Duration b) { return new CancelResult(Duration.ZERO, 0); }
                    };
                }
            }
            """;

    @BeforeAll
    static void buildTheJar() throws Exception {
        Path src = tmp.resolve("src/com/acme/InlineDesign.java"), classes = tmp.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter log = new StringWriter();
        boolean ok = javac.getTask(log, null, null, List.of("-cp", System.getProperty("java.class.path"), "-d", classes.toString()), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src)).call();
        assertThat(ok).as("compiles: %s", log).isTrue();
        jar = tmp.resolve("acme-design.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/io.fanlab.harness.design.DesignProvider"));
            out.write("com.acme.InlineDesign\n".getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                }
            }
        }
    }

    static FanlabCliTest.Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new FanlabCliTest.Result(code, out.toString(), err.toString());
    }

    @Test
    void aDesignJarIsListedOnlyWithClasspath() {
        assertThat(cli("list", "--designs").out()).doesNotContain("acme-inline");
        String listed = cli("list", "--designs", "--classpath", jar.toString()).out();
        assertThat(listed).contains("acme-inline").contains("built outside fanlab");
        // the declared capabilities, next to each design
        assertThat(listed).containsPattern("acme-inline +built outside fanlab: work runs on the submitting thread\\n +honours: no scenario policy declared")
                .containsPattern("engine +reference engine, every stage as the scenario configures it\\n +honours: every scenario policy");
    }

    @Test
    void aMissingClasspathEntryIsBadInput() throws Exception {
        FanlabCliTest.Result r = cli("list", "--designs", "--classpath", tmp.resolve("nope.jar").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--classpath: ").contains("nope.jar: no such file").doesNotContain("\tat ");
    }

    @Test
    void aDesignJarRunsInForkedPointJvmsAndTheRunRecordsItsClasspath() throws Exception {
        Path scenario = tmp.resolve("jar.yaml");
        // closed load and no latency SLO: the inline design runs work on the users' threads, and only whether it ran
        // in the point JVM matters here, not how fast a busy machine lets it run
        Files.writeString(scenario, """
                name: jar
                phases: {warmup: 200ms, measure: 800ms, cooldown: 200ms}
                load: {closed: {users: 2}}
                pipeline:
                  - name: work
                    work: {sleep: {constant: 1ms}}
                slos: [nothing_lost, no_leaked_threads]
                sweep: {stage: work, widths: [1], designs: [acme-inline], repeats: 1}
                """);
        Path runDir = tmp.resolve("run");
        FanlabCliTest.Result r = cli("run", scenario.toString(), "--classpath", jar.toString(), "--run-dir", runDir.toString(), "--no-report");
        assertThat(r.code()).as("exit code; out:%n%s%nerr:%n%s", r.out(), r.err()).isEqualTo(ExitCodes.OK);
        JsonNode results = RunJson.MAPPER.readTree(runDir.resolve("results.json").toFile());
        JsonNode point = results.path("points").get(0);
        assertThat(point.path("design").asText()).isEqualTo("acme-inline");
        assertThat(point.path("status").asText()).isEqualTo("ok");
        assertThat(point.path("offered").asLong()).isPositive();
        assertThat(point.path("conservation_ok").asBoolean()).isTrue();
        JsonNode env = RunJson.MAPPER.readTree(runDir.resolve("environment.json").toFile());
        assertThat(env.path("designs_classpath").get(0).asText()).isEqualTo(jar.toAbsolutePath().normalize().toString());
        assertThat(env.path("command").asText()).contains("--classpath " + jar.toAbsolutePath().normalize());
    }
}
