package io.fanlab.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanlab.harness.design.Designs;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioException;
import io.fanlab.harness.scenario.ScenarioLoader;
import io.fanlab.harness.scenario.ScenarioWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A scenario built in code is the same validated scenario as its YAML file, and fails with the loader's messages. */
class ScenarioBuilderTest {
    static final String YAML = """
            name: built
            seed: 5
            phases: {warmup: 500ms, measure: 2s, cooldown: 500ms}
            load: {open: {arrival: constant, rate: 2000/s}}
            pipeline:
              - name: work
                width: 2
                queue: 256
                timeout: 50ms
                retry: {max_attempts: 3}
                admission: {overflow: drop_newest}
                work: {sleep: {exponential: 1ms}}
                error_rate: 0.01
              - name: cpu
                work: {cpu: {constant: 20us}}
            slos:
              - {latency: {metric: response, percentile: 99.9, max: 20ms}}
              - {throughput_floor: 1000/s}
              - {error_rate: 0.05}
              - nothing_lost
              - no_leaked_threads
            sweep: {stage: work, widths: [2, 8], designs: [engine, tpe], repeats: 2}
            """;

    static ScenarioBuilder builder() {
        return ScenarioBuilder.named("built").seed(5).phases("500ms", "2s", "500ms").openLoad("constant", "2000/s")
                .stage("work", s -> s.width(2).queue(256).timeout("50ms").retry(3).set("admission", Map.of("overflow", "drop_newest"))
                        .sleep("exponential", "1ms").errorRate(0.01))
                .stage("cpu", s -> s.cpu("constant", "20us"))
                .latencySlo("response", 99.9, "20ms").throughputFloor("1000/s").errorRate(0.05).nothingLost().noLeakedThreads()
                .sweep("work", 2, 8).designs("engine", "tpe").repeats(2);
    }

    @Test
    void theBuilderGivesTheSameResolvedScenarioAsTheFile() throws Exception {
        Scenario fromFile = ScenarioLoader.parse(YAML, Path.of("built.yaml"), Designs.discover().keySet());
        Scenario built = builder().build();
        assertThat(ScenarioWriter.toYaml(built)).isEqualTo(ScenarioWriter.toYaml(fromFile));
        assertThat(built.sweep().widths()).containsExactly(2, 8);
        assertThat(built.sweep().repeats()).isEqualTo(2);
    }

    @Test
    void aBadValueFailsWithTheLoadersPathAndRule() {
        assertThatThrownBy(() -> ScenarioBuilder.named("bad").openLoad("-5/s").stage("work", s -> s.width(0).sleep("constant", "1ms")).build())
                .isInstanceOf(ScenarioException.class)
                .satisfies(e -> assertThat(((ScenarioException) e).problems()).extracting(Object::toString).containsExactly(
                        "builder:bad:5:11: load.open.rate: -5/s (expected: > 0/s)",
                        "builder:bad:8:10: pipeline[0].width: 0 (expected: >= 1)"));
    }
}
