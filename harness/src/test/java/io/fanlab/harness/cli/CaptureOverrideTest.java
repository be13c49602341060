package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.scenario.CaptureSpec;
import io.fanlab.harness.scenario.Defaults;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --capture / --no-capture against the scenario's capture section, forked and in-process. */
class CaptureOverrideTest {
    @TempDir Path tmp;

    Scenario load(String capture) throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "load: {open: {rate: 10/s}}\npipeline: [{name: w, work: {sleep: {constant: 1ms}}}]\n" + capture);
        return ScenarioLoader.load(f, Set.of("engine"));
    }

    @Test
    void flagsAndModesResolveAsDocumented() throws Exception {
        CaptureSpec lock = new CaptureSpec(false, List.of(CaptureSpec.Event.LOCK), Duration.ofMillis(5), true);
        Scenario absent = load(""), none = load("capture: none\n"), custom = load("capture: {jfr: false, profiler: [lock], interval: 5ms, required: true}\n");
        assertThat(absent.capture()).isEqualTo(Defaults.CAPTURE);
        assertThat(none.capture()).isEqualTo(CaptureSpec.NONE);
        assertThat(custom.capture()).isEqualTo(lock);
        // forked: the scenario decides unless a flag says otherwise
        assertThat(FanlabCli.captureOverride(custom, null, false).capture()).isEqualTo(lock);
        assertThat(FanlabCli.captureOverride(custom, false, false).capture()).isEqualTo(CaptureSpec.NONE);
        assertThat(FanlabCli.captureOverride(custom, true, false).capture()).isEqualTo(lock);
        assertThat(FanlabCli.captureOverride(none, true, false).capture()).isEqualTo(Defaults.CAPTURE);
        // in-process: off unless --capture
        assertThat(FanlabCli.captureOverride(absent, null, true).capture()).isEqualTo(CaptureSpec.NONE);
        assertThat(FanlabCli.captureOverride(custom, true, true).capture()).isEqualTo(lock);
    }
}
