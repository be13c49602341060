package io.fanlab.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioLoader;
import io.fanlab.harness.stream.ItemStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replayed request carries the trace's key (all its fan-out items); a row without one gets the seed's key. */
class TraceKeysTest {
    @TempDir Path tmp;

    Scenario scenario(int fanout) throws Exception {
        Files.writeString(tmp.resolve("keys.csv"), "t,key\n0.1,5\n0.2,\n0.3,9\n");
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, """
                name: keyed-replay
                seed: 3
                load: {trace: keys.csv, fanout: %d}
                keys: {uniform: 1000}
                pipeline:
                  - {name: work, width: 2, work: {sleep: {constant: 1ms}}}
                """.formatted(fanout));
        return ScenarioLoader.load(f, Set.of("engine"));
    }

    @Test
    void theTraceKeyWinsWhereRecordedAndTheSeedDrawsTheRest() throws Exception {
        Scenario s = scenario(1);
        ItemStream stream = new ItemStream(s.seed(), s.keys(), 1, List.of());
        LoadDriver.Open d = new LoadDriver.Open(s, stream, 0, 1, null, null);
        assertThat(d.item(0, 100_000_000L).key()).isEqualTo(5);
        assertThat(d.item(1, 200_000_000L).key()).isEqualTo(stream.key(1, 200_000_000L)).isBetween(0L, 999L);
        assertThat(d.item(2, 300_000_000L).key()).isEqualTo(9);

        Scenario fan = scenario(2);
        LoadDriver.Open f = new LoadDriver.Open(fan, new ItemStream(fan.seed(), fan.keys(), 1, List.of()), 0, 2, null, null);
        assertThat(f.item(0, 1).key()).isEqualTo(5);
        assertThat(f.item(1, 1).key()).isEqualTo(5);
        assertThat(f.item(1, 1).request()).isEqualTo(0);
        assertThat(f.item(5, 1).key()).isEqualTo(9);
    }
}
