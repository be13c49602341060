package io.fanlab.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One design under measurement: the pre-boxed items, the gate and the running design. {@link #op()} is one benchmark
 * operation: push every item and wait until all completed, exactly once each.
 *
 * <p>Threading: built, driven and closed by the JMH benchmark thread.
 */
public final class FanOutRun implements AutoCloseable {
    /** Safety net for a lost item; a batch never takes near this long. */
    static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final Integer[] items;
    private final CompletionGate gate = new CompletionGate();
    private final FanOutDesign design;

    public FanOutRun(String design, int width, ItemWork work, int items) {
        if (items < 1) throw new IllegalArgumentException("items: " + items + " (expected: >= 1)");
        this.items = new Integer[items];
        for (int i = 0; i < items; i++) this.items[i] = i; // boxed once: every design moves the same objects
        this.design = Designs.create(design, width, work, gate);
    }

    /** Pushes every item and returns once each completed exactly once. */
    public void op() throws Exception {
        gate.expect(items.length);
        design.push(items);
        gate.await(BATCH_TIMEOUT_NANOS);
    }

    /** Closes the design; throws if a late duplicate completion arrived after the last op. */
    @Override
    public void close() throws Exception {
        design.close();
        if (gate.remaining() != 0) throw new IllegalStateException("completions after the last op: remaining " + gate.remaining() + " (expected: 0)");
    }
}
