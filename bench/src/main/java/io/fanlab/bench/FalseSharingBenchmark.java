package io.fanlab.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Micro-question: do per-worker counters need padding? Modelled on JMH sample 22 (FalseSharing): two threads in one
 * group, each the single writer of its own counters, updating them the way the engine's {@code WorkerCounters} does
 * ({@code setOpaque(getOpaque() + x)} on an items and a busy-nanos field). "unpadded": both workers' fields are
 * adjacent in one object (one cache line). "padded": 16 longs (128 bytes) on each side of each worker's fields, the
 * engine's layout. Score: counter updates per second per group (higher is better).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FalseSharingBenchmark {

    @State(Scope.Group)
    public static class Unpadded {
        long items0, busy0, items1, busy1;
        static final VarHandle I0, B0, I1, B1;
        static {
            try {
                var l = MethodHandles.lookup();
                I0 = l.findVarHandle(Unpadded.class, "items0", long.class);
                B0 = l.findVarHandle(Unpadded.class, "busy0", long.class);
                I1 = l.findVarHandle(Unpadded.class, "items1", long.class);
                B1 = l.findVarHandle(Unpadded.class, "busy1", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    @SuppressWarnings("unused")
    public static class PadLeft { long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16; }

    @SuppressWarnings("unused")
    public static class Worker0 extends PadLeft { long items0, busy0; }

    @SuppressWarnings("unused")
    public static class PadMiddle extends Worker0 { long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16; }

    @SuppressWarnings("unused")
    public static class Worker1 extends PadMiddle { long items1, busy1; }

    @State(Scope.Group)
    @SuppressWarnings("unused")
    public static class Padded extends Worker1 {
        long r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15, r16;
        static final VarHandle I0, B0, I1, B1;
        static {
            try {
                var l = MethodHandles.lookup();
                I0 = l.findVarHandle(Worker0.class, "items0", long.class);
                B0 = l.findVarHandle(Worker0.class, "busy0", long.class);
                I1 = l.findVarHandle(Worker1.class, "items1", long.class);
                B1 = l.findVarHandle(Worker1.class, "busy1", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private static void record(VarHandle items, VarHandle busy, Object o) {
        items.setOpaque(o, (long) items.getOpaque(o) + 1);
        busy.setOpaque(o, (long) busy.getOpaque(o) + 7);
    }

    @Benchmark
    @Group("unpadded")
    public void unpadded0(Unpadded s) { record(Unpadded.I0, Unpadded.B0, s); }

    @Benchmark
    @Group("unpadded")
    public void unpadded1(Unpadded s) { record(Unpadded.I1, Unpadded.B1, s); }

    @Benchmark
    @Group("padded")
    public void padded0(Padded s) { record(Padded.I0, Padded.B0, s); }

    @Benchmark
    @Group("padded")
    public void padded1(Padded s) { record(Padded.I1, Padded.B1, s); }
}
