package io.fanlab.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Calibration of the CPU work: the time of one {@link ItemWork#cpu} call, single-threaded, in ns; and the cost of one
 * clock read. With
 * {@link ItemWork#TOKENS_1US} tokens it should read near 1000 ns on the bench machine; the README states the value
 * measured in the same run as the tables.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WorkCalibrationBenchmark {
    @Param({"450"})
    public int tokens;

    private ItemWork work;
    private Integer item;

    @org.openjdk.jmh.annotations.Setup
    public void setup() {
        work = ItemWork.cpu(tokens);
        item = 42;
    }

    @Benchmark
    public Integer oneItem() throws InterruptedException {
        return work.apply(item);
    }

    /**
     * Cost of one {@code System.nanoTime()} here (a VM's clock source, e.g. kvm-clock, can make it far dearer than
     * on bare metal); a design that reads the clock several times per item pays it several times.
     */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
