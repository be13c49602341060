package io.fanlab.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Level;

import java.util.concurrent.TimeUnit;

/**
 * CPU fan-out: items/s through a stage of width N for work of 0 or {@link ItemWork#TOKENS_1US} Blackhole tokens
 * (~1 us), for every engine variant and every peer. One op = {@value #ITEMS} items pushed and all completed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(CpuFanOutBenchmark.ITEMS)
public class CpuFanOutBenchmark {
    public static final int ITEMS = 20_000;

    @Param({"engine-shared-platform", "engine-sharded-platform", "engine-stealing-platform",
            "engine-batched64-platform", "engine-adaptive64-platform",
            "engine-shared-virtual", "engine-sharded-virtual", "engine-stealing-virtual",
            "engine-batched64-virtual", "engine-adaptive64-virtual",
            "engine-shared-platform-ordered", "engine-sharded-platform-ordered", "engine-stealing-platform-ordered",
            "engine-batched64-platform-ordered", "engine-adaptive64-platform-ordered",
            "engine-shared-virtual-ordered", "engine-sharded-virtual-ordered", "engine-stealing-virtual-ordered",
            "engine-batched64-virtual-ordered", "engine-adaptive64-virtual-ordered",
            "engine-batched64-platform-submitall", "engine-adaptive64-platform-submitall",
            "engine-batched64-virtual-submitall", "engine-adaptive64-virtual-submitall",
            "engine-batched64-platform-submitall-ordered", "engine-adaptive64-platform-submitall-ordered",
            "engine-batched64-platform-submitall-runs", "engine-adaptive64-platform-submitall-runs",
            "engine-adaptive64-virtual-submitall-runs",
            "tpe", "abq-pool", "abq-chunked64", "abq-chunked64-runs", "vt-semaphore", "reactor-flatmap", "reactor-parallel", "disruptor-sleeping", "jctools-pool"})
    public String design;

    @Param({"1", "2", "4", "8", "16", "64"})
    public int width;

    /** Blackhole.consumeCPU tokens per item: 0, or ItemWork.TOKENS_1US (~1 us). */
    @Param({"0", "450"})
    public int tokens;

    private FanOutRun run;

    @Setup(Level.Trial)
    public void start() {
        run = new FanOutRun(design, width, ItemWork.cpu(tokens), ITEMS);
    }

    @Benchmark
    public void fanOut() throws Exception {
        run.op();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        run.close();
    }
}
