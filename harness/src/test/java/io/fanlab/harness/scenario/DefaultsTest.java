package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.load.Rate;
import io.fanlab.harness.work.WorkSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the loader fills in for absent fields, compared field by field with {@link Defaults}. */
class DefaultsTest {
    static Scenario parse(String yaml) throws ScenarioException {
        return ScenarioLoader.parse(yaml, Path.of("/tmp/minimal.yaml"), ScenarioFiles.DESIGNS);
    }

    @Test
    void minimalScenarioGetsEveryDefault() throws ScenarioException {
        Scenario s = parse("""
                load: {open: {rate: 100/s}}
                pipeline:
                  - {name: fetch, work: {sleep: {constant: 1ms}}}
                """);
        assertThat(s.name()).isEqualTo("minimal");
        assertThat(s.description()).isEqualTo(Defaults.DESCRIPTION);
        assertThat(s.seed()).isEqualTo(Defaults.SEED);
        assertThat(s.phases()).isEqualTo(new Phases(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1)));
        assertThat(s.load()).isEqualTo(new LoadSpec.Open(new LoadSpec.Arrival.Poisson(new Rate(100)), 1, new LoadSpec.Join.All()));
        assertThat(s.keys()).isEqualTo(new KeySpec.None());
        assertThat(s.pipeline()).containsExactly(new StageConfig(StageSpec.named("fetch").withQueueCapacity(1024),
                new WorkSpec.Sleep(new Distribution.Constant(Duration.ofMillis(1))), 0.0));
        assertThat(s.downstream()).isEqualTo(new DownstreamSpec(64, 0.0));
        assertThat(s.faults()).isEmpty();
        assertThat(s.slos()).containsExactly(new SloSpec.NothingLost(), new SloSpec.NoLeakedThreads());
        assertThat(s.sweep()).isEqualTo(new SweepSpec("fetch", List.of(1), List.of("engine"), 1));
    }

    @Test
    void nestedDefaultsApplyInsidePolicies() throws ScenarioException {
        Scenario s = parse("""
                load: {closed: {users: 4}}
                pipeline:
                  - name: a
                    width: 6
                    retry: {max_attempts: 2, backoff: 20ms}
                    hedge: {delay: 5ms}
                    limit: {aimd: {initial: 4, max: 16}}
                    work: {sleep: {constant: 1ms}}
                  - name: b
                    limit: {gradient: {initial: 2, max: 8}}
                    work: {cpu: {exponential: 1ms}}
                faults:
                  - {latency_spike: {at: 1s, duration: 1s}}
                  - {worker_stall: {at: 1s, duration: 1s}}
                sweep: {stage: a}
                """);
        assertThat(s.load()).isEqualTo(new LoadSpec.Closed(4, Defaults.THINK, 1, new LoadSpec.Join.All()));
        StageSpec a = s.pipeline().get(0).spec();
        assertThat(a.retry()).isEqualTo(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(200), 0.5, 0.1));
        assertThat(a.hedge()).contains(new HedgePolicy(Optional.of(Duration.ofMillis(5)), Defaults.HEDGE_PERCENTILE, 0.05));
        assertThat(a.limit()).contains(new LimitSpec.Aimd(4, 1, 16, 0.9, Duration.ofSeconds(5)));
        assertThat(s.pipeline().get(1).spec().limit()).contains(new LimitSpec.Gradient(2, 1, 8, 1.5, 4));
        assertThat(s.faults()).containsExactly(
                new FaultSpec.LatencySpike(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0, Duration.ZERO, 1.0, Optional.empty()),
                new FaultSpec.WorkerStall(Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty(), 1));
        assertThat(s.sweep()).as("widths default to the swept stage's width").isEqualTo(new SweepSpec("a", List.of(6), List.of("engine"), 1));
    }

    @Test
    void writerMakesEveryDefaultExplicit() throws ScenarioException {
        String yaml = ScenarioWriter.toYaml(parse("""
                load: {open: {rate: 100/s}}
                pipeline:
                  - {name: fetch, work: {sleep: {constant: 1ms}}}
                """));
        for (String key : FormatKeys.of("stage")) assertThat(yaml).containsPattern("(?m)^(  |- )" + key + ":");
        for (String key : List.of("name:", "description:", "seed: 1", "warmup: 2s", "measure: 10s", "cooldown: 1s", "keys: none", "connections: 64",
                "- nothing_lost", "- no_leaked_threads", "designs:", "repeats: 1", "retry: none", "timeout: none", "queue: 1024", "threads: platform"))
            assertThat(yaml).contains(key);
    }

    @Test
    void geometricWidthsExpand() throws ScenarioException {
        Scenario s = parse("""
                load: {open: {rate: 100/s}}
                pipeline: [{name: fetch, work: {sleep: {constant: 1ms}}}]
                sweep: {widths: {geometric: {from: 1, to: 40, factor: 2}}}
                """);
        assertThat(s.sweep().widths()).containsExactly(1, 2, 4, 8, 16, 32);
        Scenario t = parse("""
                load: {open: {rate: 100/s}}
                pipeline: [{name: fetch, work: {sleep: {constant: 1ms}}}]
                sweep: {widths: {geometric: {from: 1, to: 6, factor: 1.5}}}
                """);
        assertThat(t.sweep().widths()).containsExactly(1, 2, 3, 5);
    }
}
