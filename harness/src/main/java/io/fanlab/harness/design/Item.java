package io.fanlab.harness.design;

/**
 * One item offered to a design. Identity and draws are fixed by (seed, seq) before the run, so every width and
 * design sees the same stream. {@code serviceStartNanos} is set by the harness's work wrapper when the first stage
 * starts on the item (the design need not touch it).
 *
 * <p><b>Cancelling one item.</b> A design that can stop one submitted item alone (it declares
 * {@link Policy#CANCEL}) registers how with {@link #onCancel} when the item is submitted; the harness calls
 * {@link #cancel} when it no longer needs the item (a first or quorum join's losers). The handle runs at most once,
 * on the thread that calls {@code cancel}, or on the registering thread when the harness asked before the design
 * registered (an item offered after its request was decided). For a design that registers nothing, {@code cancel}
 * only sets {@link #cancelRequested()}: the item runs to its end.
 *
 * @param seq                 0-based index in the offered stream
 * @param request             scatter-gather request index (== seq when fanout is 1)
 * @param key                 key for per-key designs, or -1
 * @param tenant              tenant index for bulkheads, or 0
 * @param intendedStartNanos  System.nanoTime() at which the load model meant the item to start (open model), or
 *                            the time the user sent it (closed model)
 */
public final class Item {
    private final long seq;
    private final long request;
    private final long key;
    private final int tenant;
    private final long intendedStartNanos;
    private volatile long serviceStartNanos;
    private volatile long handoffNanos;
    /** 1 while the item is flagged as having found a free worker at submit and not yet measured; see {@link #markFreeWorker}. */
    @SuppressWarnings("unused") private volatile int freeWorker;
    private static final java.lang.invoke.VarHandle FREE_WORKER;
    static {
        try {
            FREE_WORKER = java.lang.invoke.MethodHandles.lookup().findVarHandle(Item.class, "freeWorker", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** (stage << 32) | attempts started in that stage; see {@link #nextAttempt(int)}. */
    private final java.util.concurrent.atomic.AtomicLong stageAttempts = new java.util.concurrent.atomic.AtomicLong(-1L << 32);
    /** null (nothing yet), the design's handle (a Runnable), or {@link #CANCEL_REQUESTED}; see {@link #cancel}. */
    private volatile Object cancel;
    private static final Object CANCEL_REQUESTED = new Object();
    private static final java.lang.invoke.VarHandle CANCEL;

    static {
        try {
            CANCEL = java.lang.invoke.MethodHandles.lookup().findVarHandle(Item.class, "cancel", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public Item(long seq, long request, long key, int tenant, long intendedStartNanos) {
        this.seq = seq;
        this.request = request;
        this.key = key;
        this.tenant = tenant;
        this.intendedStartNanos = intendedStartNanos;
    }

    public long seq() { return seq; }
    public long request() { return request; }
    public long key() { return key; }
    public int tenant() { return tenant; }
    public long intendedStartNanos() { return intendedStartNanos; }
    public long serviceStartNanos() { return serviceStartNanos; }

    /** When the item was last handed on: submitted to the design, or finished by the previous stage. */
    public long handoffNanos() { return handoffNanos; }

    /** Set by the harness at submit and at the end of each stage's work, to measure per-stage queue time. */
    public void markHandoff(long nanos) { handoffNanos = nanos; }

    /**
     * Set by the load driver at submit when fewer items than the first stage's width were in flight (so a worker of
     * that stage was free: the item's submit-to-start time is a hand-off, with no queueing in it).
     */
    public void markFreeWorker() { freeWorker = 1; }

    /** Whether {@link #markFreeWorker} was called; true once only (the first work call on the item measures it). */
    public boolean takeFreeWorker() { return (int) FREE_WORKER.getVolatile(this) == 1 && FREE_WORKER.compareAndSet(this, 1, 0); }

    /** Records the first service start; later calls (retries, later stages) keep the first value. */
    public void markServiceStart(long nanos) {
        if (serviceStartNanos == 0) serviceStartNanos = nanos;
    }

    /**
     * Numbers the attempts of this item in {@code stage}: 0 for the first work call, then 1, 2, ... for retries and
     * hedges (concurrent calls get distinct numbers). Moving to another stage starts again at 0. The work models
     * draw attempt 0 exactly as before (common random numbers) and later attempts independently, so a retry of an
     * item that met a 503 is not doomed to meet it again.
     */
    public int nextAttempt(int stage) {
        while (true) {
            long v = stageAttempts.get();
            boolean same = (int) (v >>> 32) == stage;
            long next = same ? v + 1 : ((long) stage << 32) | 1;
            if (stageAttempts.compareAndSet(v, next)) return same ? (int) v : 0;
        }
    }

    /** Work calls started for this item in the stage it last entered (0 before its first call). */
    public int attempts() { return (int) stageAttempts.get(); }

    /**
     * For the design: how to stop this item alone (e.g. {@code token::cancel}, {@code future.cancel(true)}, an
     * interrupt), registered once, when the item is submitted. When {@link #cancel} was called before, {@code handle}
     * runs now, on this thread. The handle must be thread-safe and must not block; the item still ends exactly once
     * through {@link Completions} (CANCELLED, or whatever it ended with if it finished anyway).
     *
     * @throws IllegalStateException when a handle was registered before (one per item)
     */
    public void onCancel(Runnable handle) {
        java.util.Objects.requireNonNull(handle, "handle");
        Object prev = CANCEL.compareAndExchange(this, null, handle);
        if (prev == CANCEL_REQUESTED) handle.run();
        else if (prev != null) throw new IllegalStateException(this + ": a cancel handle was already registered (expected: one, at submit)");
    }

    /**
     * For the harness: this item is no longer needed. Runs the design's handle once (now, or when the design
     * registers it); does nothing more to a design that registered none. Thread-safe.
     *
     * @return true when this call was the first to ask
     */
    public boolean cancel() {
        Object prev = CANCEL.getAndSet(this, CANCEL_REQUESTED);
        if (prev == CANCEL_REQUESTED) return false;
        if (prev != null) ((Runnable) prev).run();
        return true;
    }

    /** Whether {@link #cancel} was called. */
    public boolean cancelRequested() { return cancel == CANCEL_REQUESTED; }

    @Override public String toString() { return "Item[" + seq + "]"; }
}
