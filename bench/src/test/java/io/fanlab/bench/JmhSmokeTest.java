package io.fanlab.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark code runs under JMH: one tiny pass (in-process, no warmup, one 200 ms iteration) of the CPU and I/O
 * benchmarks for one engine setting and one peer, each with a positive score. Catches a benchmark that throws (a lost
 * or duplicated item fails the gate), or a broken generated harness.
 */
class JmhSmokeTest {
    private static Collection<RunResult> run(Class<?> benchmark, String designs, String width) throws Exception {
        Options opt = new OptionsBuilder()
                .include(benchmark.getSimpleName())
                .param("design", designs.split(","))
                .param("width", width)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build();
        return new Runner(opt).run();
    }

    @Test
    void cpuFanOutScoresAreItemsPerSecondAndPositive() throws Exception {
        Collection<RunResult> results = run(CpuFanOutBenchmark.class, "engine-batched64-platform-ordered,abq-pool", "2");
        assertThat(results).hasSize(4); // 2 designs x 2 work levels
        assertThat(results).allSatisfy(r -> {
            assertThat(r.getPrimaryResult().getScore()).isPositive();
            assertThat(r.getPrimaryResult().getScoreUnit()).isEqualTo("ops/s");
        });
    }

    @Test
    void ioFanOutRunsOnVirtualThreads() throws Exception {
        Collection<RunResult> results = run(IoFanOutBenchmark.class, "engine-shared-virtual,vt-loop", "256");
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.getPrimaryResult().getScore()).isPositive();
            // the score Summary reads: items/s, i.e. ops/s times the 8192 items of a steady op at N = 256
            assertThat(r.getSecondaryResults().get("items").getScore())
                    .isCloseTo(r.getPrimaryResult().getScore() * IoFanOutBenchmark.itemsPerOp("steady", 256),
                            org.assertj.core.data.Percentage.withPercentage(1));
        });
    }
}
