package io.fanlab.bench;

import io.fanlab.harness.probe.LatencyProbe;
import io.fanlab.harness.probe.SeenSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The harness's per-item probe path: what a worker pays to record one completion (the target: <= 100 ns).
 * {@code recordOnly}: one LatencyProbe.recordNanos. {@code completionPath}: what PointRunner's completion sink does
 * per item (a SeenSet add, two probe records), uncontended. {@code contended_*}: two writers recording while a reader
 * flips intervals, as during a run (2 cores: writers and the reader share them).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ProbeBenchmark {
    LatencyProbe live, measured;
    SeenSet seen;
    final AtomicLong seq = new AtomicLong();
    long value = 1_234_567;

    @Setup(Level.Iteration)
    public void setup() {
        live = new LatencyProbe();
        measured = new LatencyProbe();
        seen = new SeenSet();
        seq.set(0);
    }

    @Benchmark
    public void recordOnly() {
        live.recordNanos(value);
    }

    @Benchmark
    public boolean completionPath() {
        boolean fresh = seen.add(seq.getAndIncrement() & 0xFFFF_FFFFL);
        live.recordNanos(value);
        measured.recordNanos(value);
        return fresh;
    }

    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    public void contended_record() {
        live.recordNanos(value);
    }

    @Benchmark
    @Group("contended")
    @GroupThreads(1)
    public long contended_flip() throws InterruptedException {
        Thread.sleep(100); // the sampler flips once a second; 10x more often here
        return live.flipInterval().getTotalCount();
    }
}
