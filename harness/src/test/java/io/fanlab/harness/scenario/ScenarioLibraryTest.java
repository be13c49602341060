package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped scenario loads, is documented, stays affordable to run, and reads back equal after writing. */
class ScenarioLibraryTest {
    static final List<String> REQUIRED = List.of("quickstart", "latency-spike", "error-injection", "hot-keys", "downstream-503", "slow-downstream",
            "load-spike-10x", "gc-pressure", "cancellation-storm", "worker-stall", "reorder-buffer-growth", "backpressure", "kitchen-sink", "selftest");

    static Stream<Path> library() throws IOException {
        return ScenarioFiles.yamlIn(ScenarioFiles.dir()).stream();
    }

    @Test
    void everyRequiredScenarioIsShipped() throws IOException {
        assertThat(library().map(p -> p.getFileName().toString().replace(".yaml", ""))).containsAll(REQUIRED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void loadsAndRoundTrips(Path file) throws Exception {
        Scenario s = ScenarioLoader.load(file, ScenarioFiles.DESIGNS);
        assertThat(s.name()).isEqualTo(file.getFileName().toString().replace(".yaml", ""));
        assertThat(ScenarioLoader.parse(ScenarioWriter.toYaml(s), file, ScenarioFiles.DESIGNS)).isEqualTo(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void opensWithSchemaLineSketchAndRationale(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("# yaml-language-server: $schema=./scenario.schema.json");
        List<String> header = lines.stream().skip(1).takeWhile(l -> l.startsWith("#")).toList();
        assertThat(header).as("ASCII sketch and description before the first field").hasSizeGreaterThanOrEqualTo(8);
        assertThat(header.stream().anyMatch(l -> l.contains("-->") || l.contains("--->") || l.contains("----"))).as("a topology sketch").isTrue();
        assertThat(String.join("\n", header)).as("why the SLOs are where they are").contains("SLOs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void staysAffordableOnTwoCores(Path file) throws Exception {
        Scenario s = ScenarioLoader.load(file, ScenarioFiles.DESIGNS);
        assertThat(s.phases().measure()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(s.sweep().widths().size()).isLessThanOrEqualTo(s.name().equals("quickstart") ? 7 : 6);
        long points = (long) s.sweep().widths().size() * s.sweep().designs().size() * s.sweep().repeats();
        Duration estimate = s.phases().total().plusSeconds(1).multipliedBy(points); // ~1 s JVM start per point
        assertThat(estimate).isLessThanOrEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void quickstartTakesAboutAMinute() throws Exception {
        Scenario s = ScenarioLoader.load(ScenarioFiles.dir().resolve("quickstart.yaml"), ScenarioFiles.DESIGNS);
        Duration estimate = s.phases().total().plusSeconds(1).multipliedBy(s.sweep().widths().size() * (long) s.sweep().designs().size());
        assertThat(estimate).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(80));
    }

    @Test
    void selftestIsAnMmcQueueAtModerateUtilisation() throws Exception {
        Scenario s = ScenarioLoader.load(ScenarioFiles.dir().resolve("selftest.yaml"), ScenarioFiles.DESIGNS);
        assertThat(s.description()).contains("M/M/c");
        assertThat(s.pipeline()).hasSize(1);
        assertThat(s.sweep().designs()).containsExactly("engine");
        var open = (io.fanlab.harness.load.LoadSpec.Open) s.load();
        var rate = ((io.fanlab.harness.load.LoadSpec.Arrival.Poisson) open.arrival()).rate().perSecond();
        var mean = ((io.fanlab.harness.work.WorkSpec.Sleep) s.pipeline().get(0).work()).time();
        assertThat(mean).isInstanceOf(io.fanlab.harness.dist.Distribution.Exponential.class);
        for (int c : s.sweep().widths()) {
            double rho = rate * mean.meanNanos() / 1e9 / c;
            assertThat(rho).as("utilisation at c=" + c).isBetween(0.4, 0.8);
        }
    }

    @Test
    void kitchenSinkUsesEveryField() throws IOException {
        String text = Files.readString(ScenarioFiles.dir().resolve("kitchen-sink.yaml"));
        Set<String> keys = new TreeSet<>();
        FormatKeys.BY_DEFINITION.values().forEach(keys::addAll);
        keys.addAll(FormatKeys.DISTRIBUTIONS);
        keys.addAll(FormatKeys.WORK);
        keys.addAll(FormatKeys.FAULTS);
        keys.addAll(FormatKeys.SLOS.subList(2, FormatKeys.SLOS.size()));
        // exclusive alternatives: kitchen-sink uses open spike arrivals, so closed-load, trace-replay and ramp/steps keys cannot appear
        keys.removeAll(Set.of("closed", "users", "think", "over", "steps", "trace", "speed"));
        List<String> missing = keys.stream().filter(k -> !text.matches("(?s).*[\\s{,]" + k + ":.*")).toList();
        assertThat(missing).isEmpty();
        assertThat(text).contains("nothing_lost", "no_leaked_threads");
    }
}
