package io.fanlab.engine.internal;

import io.fanlab.engine.observe.ServiceTimes;
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
class WorkerCountersFields extends WorkerCountersPadLeft { long items; long completed; long exited; long startedAt; long idleNanos; long idleSince = -1; long endedAt = -1; long[] service; }

@SuppressWarnings("unused")
final class WorkerCounters extends WorkerCountersFields {
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    private static final VarHandle ITEMS;
    private static final VarHandle IDLE;
    private static final VarHandle IDLE_SINCE;
    private static final VarHandle ENDED;
    private static final VarHandle COMPLETED;
    private static final VarHandle EXITED;
    private static final VarHandle SERVICE;
    private static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            var l = MethodHandles.lookup();
            ITEMS = l.findVarHandle(WorkerCountersFields.class, "items", long.class);
            IDLE = l.findVarHandle(WorkerCountersFields.class, "idleNanos", long.class);
            IDLE_SINCE = l.findVarHandle(WorkerCountersFields.class, "idleSince", long.class);
            ENDED = l.findVarHandle(WorkerCountersFields.class, "endedAt", long.class);
            COMPLETED = l.findVarHandle(WorkerCountersFields.class, "completed", long.class);
            EXITED = l.findVarHandle(WorkerCountersFields.class, "exited", long.class);
            SERVICE = l.findVarHandle(WorkerCountersFields.class, "service", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The stage whose worker owns these counters (its completions are that stage's). */
    final Object stage;

    /** Before the worker starts: busy time counts from {@code now} (System.nanoTime). */
    WorkerCounters(Object stage, long now) {
        this.stage = stage;
        startedAt = now;
    }

    /** Owner thread only: {@code items} more items taken. */
    void took(int items) {
        ITEMS.setOpaque(this, (long) ITEMS.getOpaque(this) + items);
    }

    /**
     * Owner thread only: the worker found no item and is about to spin or park. Busy time is measured as elapsed
     * minus idle, so the clock is read only when a worker waits, never per item or per batch.
     */
    void idle() {
        if ((long) IDLE_SINCE.getOpaque(this) < 0) IDLE_SINCE.setOpaque(this, System.nanoTime());
    }

    /** Owner thread only: the worker has items again (no-op when it did not wait). */
    void busy() {
        long since = (long) IDLE_SINCE.getOpaque(this);
        if (since < 0) return;
        IDLE.setOpaque(this, (long) IDLE.getOpaque(this) + (System.nanoTime() - since));
        IDLE_SINCE.setOpaque(this, -1L);
    }

    /** Owner thread only: the worker ended; its busy time stops growing. */
    void ended() {
        ENDED.setOpaque(this, System.nanoTime());
    }

    /**
     * Owner thread only: one more item left the stage with a result. A release store, so that a reader that sees
     * the count ({@link #completed()}, an acquire load) also sees everything the worker saw before, in particular
     * the item's admission count (the tally reads terminal counts before admissions, see {@code StageRuntime#tally}).
     */
    void completedOne() {
        COMPLETED.setRelease(this, (long) COMPLETED.getOpaque(this) + 1);
    }

    /** Owner thread only: {@code n} more items left the stage with a result (a run; see {@link #completedOne}). */
    void completedMany(int n) {
        COMPLETED.setRelease(this, (long) COMPLETED.getOpaque(this) + n);
    }

    long completed() { return (long) COMPLETED.getAcquire(this); }

    /**
     * Owner thread only: one more item reached the pipeline's exit COMPLETED on this worker's thread (the pipeline's
     * completion count without a shared atomic per item; release store, read with acquire, as {@link #completedOne}).
     */
    void exitedOne() {
        EXITED.setRelease(this, (long) EXITED.getOpaque(this) + 1);
    }

    /** Owner thread only: {@code n} more items reached the exit COMPLETED (a run; see {@link #exitedOne}). */
    void exitedMany(int n) {
        EXITED.setRelease(this, (long) EXITED.getOpaque(this) + n);
    }

    long exited() { return (long) EXITED.getAcquire(this); }

    long items() { return (long) ITEMS.getOpaque(this); }

    /** Time since start not spent waiting for items, as of {@code now}; a racy snapshot, never negative. */
    long busyNanos(long now) {
        long end = (long) ENDED.getOpaque(this);
        if (end >= 0) now = end;
        long since = (long) IDLE_SINCE.getOpaque(this);
        long idle = (long) IDLE.getOpaque(this) + (since >= 0 && end < 0 ? Math.max(0, now - since) : 0);
        return Math.max(0, now - startedAt - idle);
    }

    /**
     * Owner thread only: one item's work took {@code nanos}. The bucket array is allocated on the first call (release
     * store, so a reader that sees it sees it zeroed); each count is a single-writer opaque store.
     */
    void served(long nanos) {
        long[] b = (long[]) SERVICE.getOpaque(this);
        if (b == null) {
            b = new long[ServiceTimes.BUCKETS];
            SERVICE.setRelease(this, b);
        }
        int i = ServiceTimes.index(nanos);
        BUCKET.setOpaque(b, i, (long) BUCKET.getOpaque(b, i) + 1);
    }

    /** Any thread: adds this worker's service-time counts to {@code sum} (a racy snapshot: each count is read once); false when it has none. */
    boolean addServiceTimesTo(long[] sum) {
        long[] b = (long[]) SERVICE.getAcquire(this);
        if (b == null) return false;
        for (int i = 0; i < b.length; i++) sum[i] += (long) BUCKET.getOpaque(b, i);
        return true;
    }
}
