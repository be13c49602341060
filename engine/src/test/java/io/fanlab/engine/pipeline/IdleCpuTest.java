package io.fanlab.engine.pipeline;

import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An idle engine burns no CPU: a worker spins only briefly after its last item (SpinThenPark's bound) and then parks.
 * After a burst of items, a stage of 8 platform workers is left idle; the CPU time its worker threads use over the
 * next {@value #WINDOW_MS} ms (their own CPU clocks, so a busy machine does not inflate it) must stay under
 * {@value #LIMIT_MS} ms, i.e. 5% of one core. A worker that spun unboundedly would use the whole window.
 *
 * <p>Real time is the property here (how long spinning lasts), so this test waits on the wall clock; the settle time
 * before the window is far above the spin bound (well under a millisecond).
 */
@Timeout(60)
class IdleCpuTest {
    static final long WINDOW_MS = 300, LIMIT_MS = 15, SETTLE_MS = 50;

    static List<Dispatch> dispatches() {
        return List.of(Dispatch.SHARED, new Dispatch.Batched(64, false), new Dispatch.Batched(64, true), new Dispatch.Sharded(),
                new Dispatch.WorkStealing());
    }

    @ParameterizedTest
    @MethodSource("dispatches")
    void anIdleStageUsesNoCpu(Dispatch dispatch) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadCpuTimeSupported(), "thread CPU time is not supported here");
        if (!mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
        Recorder<Integer> rec = new Recorder<>();
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(
                StageSpec.named("idle").withWidth(8).withThreads(ThreadKind.PLATFORM).withDispatch(dispatch), (x, c) -> x).start(rec);
        try {
            List<Integer> items = IntStream.range(0, 5000).boxed().toList();
            for (Integer i : items) engine.submit(i);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (rec.calls.size() < items.size() && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
            rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SETTLE_MS));
            List<Thread> workers = engine.liveThreads();
            assertThat(workers).hasSize(8);
            long before = cpu(mx, workers);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WINDOW_MS));
            long used = cpu(mx, workers) - before;
            assertThat(used / 1e6).as("%s: CPU ms used by 8 idle workers in %d ms", dispatch, WINDOW_MS).isLessThan(LIMIT_MS);
        } finally {
            assertThat(engine.close(Duration.ofSeconds(10)).drained()).isTrue();
        }
    }

    private static long cpu(ThreadMXBean mx, List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
        return sum;
    }
}
