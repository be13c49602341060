package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioOverridesTest {
    static final String BASE = """
            seed: 7
            phases: {warmup: 1s, measure: 8s, cooldown: 1s}
            load: {open: {rate: 100/s}}
            pipeline: [{name: fetch, work: {sleep: {constant: 1ms}}}]
            faults: [{latency_spike: {at: 6s, duration: 2s, factor: 2}}]
            sweep: {widths: [1, 2], designs: [engine]}
            """;

    static Scenario base() throws ScenarioException { return ScenarioLoader.parse(BASE, Path.of("/tmp/base.yaml"), ScenarioFiles.DESIGNS); }

    static List<String> problems(ThrowingRunnable r) {
        ScenarioException e = catchThrowableOfType(ScenarioException.class, r::run);
        assertThat(e).isNotNull();
        return e.problems().stream().map(Problem::toString).toList();
    }

    interface ThrowingRunnable { void run() throws Exception; }

    @Test
    void appliesEveryOverride() throws ScenarioException {
        Scenario s = ScenarioOverrides.parse("4, 8,16", "tpe,engine", "9s", "-3").apply(base(), ScenarioFiles.DESIGNS);
        assertThat(s.sweep().widths()).containsExactly(4, 8, 16);
        assertThat(s.sweep().designs()).containsExactly("tpe", "engine");
        assertThat(s.phases().measure()).isEqualTo(Duration.ofSeconds(9));
        assertThat(s.seed()).isEqualTo(-3);
        Scenario b = base();
        assertThat(s).isEqualTo(new Scenario(b.name(), b.description(), -3, new Phases(b.phases().warmup(), Duration.ofSeconds(9), b.phases().cooldown()),
                b.load(), b.keys(), b.pipeline(), b.downstream(), b.faults(), b.slos(), new SweepSpec("fetch", List.of(4, 8, 16), List.of("tpe", "engine"), 1)));
    }

    @Test
    void noOverridesChangeNothing() throws ScenarioException {
        assertThat(ScenarioOverrides.parse(null, null, null, null).apply(base(), ScenarioFiles.DESIGNS)).isEqualTo(base());
        assertThat(ScenarioOverrides.NONE.apply(base(), ScenarioFiles.DESIGNS)).isEqualTo(base());
    }

    @Test
    void badTextIsReportedPerOptionWithTheLoadersMessages() {
        assertThat(problems(() -> ScenarioOverrides.parse("1,0,x,1", "engine,", "10", "seven"))).containsExactly(
                "--widths: 0 (expected: >= 1)",
                "--widths: 'x' (expected: an integer, widths separated by commas, e.g. 1,2,4)",
                "--widths: 1 (expected: each width once)",
                "--designs: '' (expected: design names separated by commas, e.g. engine,tpe)",
                "--duration: 10 (expected: a duration with a unit: ns, us, ms, s, m or h, e.g. 250ms; a bare number has no unit)",
                "--seed: seven (expected: a 64-bit integer)");
        assertThat(problems(() -> ScenarioOverrides.parse(null, null, "0s", null))).containsExactly("--duration: 0s (expected: > 0ms)");
    }

    @Test
    void rulesAreRecheckedAfterApplying() {
        assertThat(problems(() -> ScenarioOverrides.parse(null, "engine,engin-stealing", "5s", null).apply(base(), ScenarioFiles.DESIGNS))).containsExactly(
                "--duration: faults[0].latency_spike.duration: at 6s + duration 2s = 8s (expected: <= run total 7s = warmup + measure + cooldown)",
                "--designs: 'engin-stealing' (expected: one of engine, engine-batched, engine-no-hedge, engine-sharded, engine-stealing, tpe, vt-per-item; did you mean 'engine-stealing'?)");
        assertThat(problems(() -> ScenarioOverrides.parse(null, null, "1s", null).apply(base(), ScenarioFiles.DESIGNS))).startsWith(
                "--duration: phases.warmup: 1s (expected: < phases.measure 1s)");
    }
}
