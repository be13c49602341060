package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one worker: written only by that worker (single writer, {@code setOpaque}), read by anyone
 * ({@code getOpaque}) at any time. Padded with long fields on both sides so that two workers' counters never share
 * a cache line ({@code @Contended} is not available outside the JDK).
 */
@SuppressWarnings("unused")
class WorkerCountersPadLeft { long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16; }

@SuppressWarnings("unused")
class WorkerCountersFields extends WorkerCountersPadLeft { long items; long busyNanos; long completed; }

@SuppressWarnings("unused")
final class WorkerCounters extends WorkerCountersFields {
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    private static final VarHandle ITEMS;
    private static final VarHandle BUSY;
    private static final VarHandle COMPLETED;

    static {
        try {
            var l = MethodHandles.lookup();
            ITEMS = l.findVarHandle(WorkerCountersFields.class, "items", long.class);
            BUSY = l.findVarHandle(WorkerCountersFields.class, "busyNanos", long.class);
            COMPLETED = l.findVarHandle(WorkerCountersFields.class, "completed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Owner thread only: {@code items} more items taken, {@code busy} more nanoseconds spent on them. */
    void record(int items, long busy) {
        ITEMS.setOpaque(this, (long) ITEMS.getOpaque(this) + items);
        BUSY.setOpaque(this, (long) BUSY.getOpaque(this) + busy);
    }

    /**
     * Owner thread only: one more item left the stage with a result. A release store, so that a reader that sees
     * the count ({@link #completed()}, an acquire load) also sees everything the worker saw before, in particular
     * the item's admission count (the tally reads terminal counts before admissions, see {@code StageRuntime#tally}).
     */
    void completedOne() {
        COMPLETED.setRelease(this, (long) COMPLETED.getOpaque(this) + 1);
    }

    long completed() { return (long) COMPLETED.getAcquire(this); }

    long items() { return (long) ITEMS.getOpaque(this); }

    long busyNanos() { return (long) BUSY.getOpaque(this); }
}
