package io.fanlab.harness.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fault table is the one owner of fault kinds: every record has one row, and the format document lists the
 * same kinds, in the same order, with the same keys. (The JSON Schema is held to it by {@code SchemaAgreementTest},
 * through {@code FormatKeys}, which reads this table.)
 */
class FaultKindTest {
    @Test
    void everyFaultRecordHasExactlyOneRow() {
        List<Class<?>> permitted = Arrays.asList(FaultSpec.class.getPermittedSubclasses());
        assertThat(Arrays.stream(FaultKind.values()).<Class<?>>map(FaultKind::record).toList()).containsExactlyInAnyOrderElementsOf(permitted);
        for (FaultKind k : FaultKind.values()) {
            assertThat(k.keys().getFirst()).as(k.yamlName()).isEqualTo("at");
            assertThat(k.keys().contains("duration")).as(k.yamlName() + " has a window").isEqualTo(k != FaultKind.ABORT);
            assertThat(FaultKind.named(k.yamlName())).contains(k);
        }
    }

    @Test
    void ofNamesTheRowOfAFault() {
        Duration s = Duration.ofSeconds(1);
        assertThat(FaultKind.of(new FaultSpec.LatencySpike(s, s, 2, Duration.ZERO, 1, Optional.empty()))).isEqualTo(FaultKind.LATENCY_SPIKE);
        assertThat(FaultKind.of(new FaultSpec.Downstream503(s, s, 0.5)).yamlName()).isEqualTo("downstream_503");
        assertThat(FaultKind.of(new FaultSpec.Abort(s, Duration.ZERO)).yamlName()).isEqualTo("abort");
    }

    @Test
    void theMessagesNameTheFieldAsTheScenarioDoes() {
        // the field path in a run-time check is the YAML one, as in the loader's messages (faults[0].latency_spike.stage)
        FaultState state = new FaultState(List.of("a"));
        var spike = new FaultSpec.LatencySpike(Duration.ZERO, Duration.ofSeconds(1), 2, Duration.ZERO, 1, Optional.of("zz"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> state.activate(spike)).hasMessageStartingWith("latency_spike.stage: zz");
    }

    /** The writer emits each kind's keys, all of them, in the table's order (kitchen-sink.yaml uses every kind). */
    @Test
    void theWriterEmitsEachKindsKeysInTableOrder() throws Exception {
        var scenario = io.fanlab.harness.scenario.ScenarioLoader.load(Path.of("../scenarios/kitchen-sink.yaml"),
                java.util.Set.of("engine", "engine-sharded")); // the designs kitchen-sink.yaml sweeps
        var yaml = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                .loadFromString(io.fanlab.harness.scenario.ScenarioWriter.toYaml(scenario));
        List<?> faults = (List<?>) ((java.util.Map<?, ?>) yaml).get("faults");
        List<String> seen = new ArrayList<>();
        for (Object f : faults) {
            var entry = ((java.util.Map<?, ?>) f).entrySet().iterator().next();
            FaultKind k = FaultKind.named((String) entry.getKey()).orElseThrow();
            seen.add(k.yamlName());
            assertThat(((java.util.Map<?, ?>) entry.getValue()).keySet().stream().map(String::valueOf).toList()).as(k.yamlName()).containsExactlyElementsOf(k.keys());
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(FaultKind.names());
    }

    /** The table under "## `faults[]`" in scenarios/README.md: one row per kind, in table order, naming every key. */
    @Test
    void theFormatDocumentListsTheSameKindsAndKeys() throws IOException {
        String readme = Files.readString(Path.of("../scenarios/README.md"));
        String section = readme.substring(readme.indexOf("## `faults[]`"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Matcher row = Pattern.compile("(?m)^\\| `([a-z_0-9]+)` \\| ([^|]*) \\|").matcher(section);
        List<String> names = new ArrayList<>();
        while (row.find()) {
            names.add(row.group(1));
            FaultKind k = FaultKind.named(row.group(1)).orElseThrow(() -> new AssertionError("README lists unknown fault " + row.group(1)));
            for (String key : k.keys()) {
                if (key.equals("at") || key.equals("duration")) continue; // stated once above the table, for all
                assertThat(row.group(2)).as("README keys of " + k.yamlName()).contains("`" + key + "`");
            }
        }
        assertThat(names).containsExactlyElementsOf(FaultKind.names());
    }
}
