package io.fanlab.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * I/O-like fan-out: each item blocks for {@value #WORK_MILLIS} ms. The Little's-law ideal is N items in flight at all
 * times, i.e. {@code N / 1 ms} = {@code 1000 * N} items/s; bench/README.md reports each score as a ratio to it.
 *
 * <p><b>Score.</b> The score to read is the secondary result {@code fanOut:items} (items/s, an
 * {@link AuxCounters} count of the items of every finished op over the iteration's time); the primary score is ops/s
 * and depends on the op size. {@link Summary} reads {@code items}.
 *
 * <p><b>Op shape</b> ({@code op}): one op pushes {@link #itemsPerOp(String, int)} items and waits until all finished.
 * <ul>
 *   <li>{@code steady} (default): {@code max(4096, 32 * N)} items, i.e. at least 32 waves of the work per op. Each op
 *       begins with a ramp (N idle workers woken or started, the first wave) and ends with a tail (the last wave drains
 *       while the other workers are idle); 32 waves make those a small share of the op at every width, so the score
 *       is the steady-state throughput that the ideal {@code N / 1 ms} describes. </li>
 *   <li>{@code 4096}: the original shape, 4096 items for every width; at N = 1024 that is only 4 waves, and the
 *       ramp and tail are part of what is measured.</li>
 * </ul>
 * Every design gets the same op; the ideal is {@code N / 1 ms} for both shapes.
 *
 * <p><b>Work</b> ({@code work}): {@code park} (default, the definition: {@link ItemWork#park}, a
 * {@code LockSupport.parkNanos} of 1 ms re-parked until 1 ms passed) or {@code sleep} ({@link ItemWork#sleep},
 * {@code Thread.sleep} of 1 ms), kept to compare the two blocking paths.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IoFanOutBenchmark {
    /** Items per op of the original shape, and the least any op has. */
    public static final int ITEMS = 4096;
    /** Waves of work per op in the {@code steady} shape. */
    public static final int STEADY_WAVES = 32;
    public static final int WORK_MILLIS = 1;

    @Param({"vt-loop", "engine-shared-virtual", "engine-sharded-virtual", "engine-shared-platform", "vt-semaphore", "tpe",
            "reactor-flatmap-elastic"})
    public String design;

    @Param({"16", "64", "256", "1024"})
    public int width;

    @Param({"steady"})
    public String op;

    @Param({"park"})
    public String work;

    private FanOutRun run;
    private int itemsPerOp;

    /**
     * Items of every finished op, per second of the iteration (JMH normalises an {@code OPERATIONS} counter by the
     * iteration's time). Reset per iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Items {
        public long items;

        @Setup(Level.Iteration)
        public void reset() { items = 0; }
    }

    /** The Little's-law ideal for a width, in items/s. */
    public static double idealItemsPerSecond(int width) { return width * 1000.0 / WORK_MILLIS; }

    /**
     * Items in one op of a shape: {@code steady}: {@code max(4096, 32 * width)}; {@code 4096}: 4096.
     * @throws IllegalArgumentException for another shape or a width below 1
     */
    public static int itemsPerOp(String shape, int width) {
        if (width < 1) throw new IllegalArgumentException("width: " + width + " (expected: >= 1)");
        return switch (shape) {
            case "steady" -> Math.max(ITEMS, STEADY_WAVES * width);
            case "4096" -> ITEMS;
            default -> throw new IllegalArgumentException("op: " + shape + " (expected: steady or 4096)");
        };
    }

    /** The work of a name: {@code park} or {@code sleep}, each {@value #WORK_MILLIS} ms. */
    static ItemWork work(String name) {
        long nanos = TimeUnit.MILLISECONDS.toNanos(WORK_MILLIS);
        return switch (name) {
            case "park" -> ItemWork.park(nanos);
            case "sleep" -> ItemWork.sleep(nanos);
            default -> throw new IllegalArgumentException("work: " + name + " (expected: park or sleep)");
        };
    }

    @Setup(Level.Trial)
    public void start() {
        itemsPerOp = itemsPerOp(op, width);
        run = new FanOutRun(design, width, work(work), itemsPerOp);
    }

    @Benchmark
    public void fanOut(Items counter) throws Exception {
        run.op();
        counter.items += itemsPerOp;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        run.close();
    }
}
