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
 * I/O-like fan-out: each item parks for {@value #WORK_MILLIS} ms. The Little's-law ideal is N items in flight at all
 * times, i.e. {@code N / 1 ms} = {@code 1000 * N} items/s; bench/README.md reports each score as a ratio to it.
 * One op = {@value #ITEMS} items.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(IoFanOutBenchmark.ITEMS)
public class IoFanOutBenchmark {
    public static final int ITEMS = 4096;
    public static final int WORK_MILLIS = 1;

    @Param({"engine-shared-virtual", "engine-sharded-virtual", "engine-shared-platform", "vt-semaphore", "tpe",
            "reactor-flatmap-elastic"})
    public String design;

    @Param({"16", "64", "256", "1024"})
    public int width;

    private FanOutRun run;

    /** The Little's-law ideal for a width, in items/s. */
    public static double idealItemsPerSecond(int width) { return width * 1000.0 / WORK_MILLIS; }

    @Setup(Level.Trial)
    public void start() {
        run = new FanOutRun(design, width, ItemWork.park(TimeUnit.MILLISECONDS.toNanos(WORK_MILLIS)), ITEMS);
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
