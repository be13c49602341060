package io.fanlab.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Micro-question: batch size vs throughput for the engine's fixed batched dispatch (platform threads, unordered).
 * Batch 1 is the same queue as shared dispatch; the question is how much each step up buys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(CpuFanOutBenchmark.ITEMS)
public class BatchSizeBenchmark {
    @Param({"1", "8", "64", "256"})
    public int batch;

    @Param({"2", "8"})
    public int width;

    @Param({"0", "450"})
    public int tokens;

    private FanOutRun run;

    @Setup(Level.Trial)
    public void start() {
        run = new FanOutRun("engine-batched" + batch + "-platform", width, ItemWork.cpu(tokens), CpuFanOutBenchmark.ITEMS);
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
