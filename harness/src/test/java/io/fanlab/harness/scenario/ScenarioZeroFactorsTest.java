package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.load.Rate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Zero is a meaningful load factor (an outage: no arrivals in the window, which the arrival schedule supports) and a
 * meaningful Zipf exponent (no skew), so the loader, the records and the writer accept it; a negative value is a
 * problem at its node (see {@code scenarios/invalid/negative-factors.yaml}).
 */
class ScenarioZeroFactorsTest {
    @Test
    void zeroFactorsLoadAndRoundTrip() throws ScenarioException {
        Path file = Path.of("/tmp/outage.yaml");
        Scenario s = ScenarioLoader.parse("""
                phases: {warmup: 1s, measure: 4s, cooldown: 0s}
                load: {open: {arrival: spike, rate: 100/s, factor: 0, at: 1s, duration: 1s}}
                keys: {zipf: {n: 100, s: 0}}
                pipeline: [{name: fetch, work: {sleep: {constant: 1ms}}}]
                faults: [{load_spike: {at: 3s, duration: 500ms, factor: 0}}]
                """, file, ScenarioFiles.DESIGNS);
        assertThat(s.load()).isEqualTo(new LoadSpec.Open(new LoadSpec.Arrival.Spike(new Rate(100), 0, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                1, new LoadSpec.Join.All()));
        assertThat(s.keys()).isEqualTo(new KeySpec.Zipf(100, 0));
        assertThat(s.faults()).containsExactly(new FaultSpec.LoadSpike(Duration.ofSeconds(3), Duration.ofMillis(500), 0));
        assertThat(ScenarioLoader.parse(ScenarioWriter.toYaml(s), file, ScenarioFiles.DESIGNS)).isEqualTo(s);
    }
}
