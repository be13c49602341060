package io.fanlab.harness.capture;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.DesignProvider;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import java.util.ArrayList;
import java.util.List;

/**
 * Test only: the reference engine whose every item, after its stage work, takes one JVM-wide monitor and spins
 * {@value #HOLD_NANOS} ns in {@link #spinInsideLock} while holding it. A known busy method and a known contended lock
 * with a known site ({@code CaptureProbeDesign.holdLock}) for the capture tests. Named {@code broken-*}: a global
 * uninterruptible lock is a design bug on purpose, and the design contract suite skips it.
 */
public final class CaptureProbeDesign implements DesignProvider, Design {
    static final long HOLD_NANOS = 2_000_000;
    static final Object LOCK = new Object();
    static volatile long sink;

    @Override public List<Design> designs() { return List.of(this); }
    @Override public String name() { return "broken-lock-probe"; }
    @Override public String description() { return "test only: engine + a contended monitor held 2 ms per item"; }

    @Override public RunningDesign start(DesignContext context) throws Exception {
        List<StageWork> work = new ArrayList<>();
        for (StageWork w : context.work()) {
            work.add((item, cancelled) -> {
                w.run(item, cancelled);
                holdLock();
            });
        }
        Design engine = Designs.discover().get("engine");
        return engine.start(new DesignContext(context.stages(), work, context.completions(), context.sweptStage()));
    }

    static void holdLock() {
        synchronized (LOCK) {
            spinInsideLock();
        }
    }

    static void spinInsideLock() {
        long end = System.nanoTime() + HOLD_NANOS;
        long x = 0;
        while (System.nanoTime() < end) x += Long.numberOfTrailingZeros(x ^ end) + 1;
        sink += x;
    }
}
