package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Puts a stage's results back into input-sequence order within a bounded window; lock-free on the item path.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Window.</b> Sequence {@code s} may be admitted only while {@code s < head + window}, where {@code head} is
 *       the next sequence to emit: the stage stops taking input rather than growing the buffer. Stages on a
 *       {@link Ring} use ring positions as sequences and bound their claims by {@link #limit()}; the other stages
 *       take sequences here ({@link #acquire}, {@link #acquireRun}: a CAS on {@code next}).</li>
 *   <li><b>Slots.</b> Slot {@code s % window} holds the finished envelope, or {@link #SKIP} for an item that ended
 *       without a result (failed, shed, cancelled, ...). A slot is taken out with a CAS (by the emitter, or by
 *       {@link #close}), so each envelope leaves exactly once.</li>
 *   <li><b>One emitter at a time</b> (a CAS on {@code emitting}): the worker that deposits the head's result tries
 *       to become the emitter and, if it does, hands the ready run at the head downstream in order, then publishes
 *       the new {@code head} (once per run). On leaving it re-reads the new head's slot. No result is stranded: a
 *       depositor stores its slot (volatile), then reads {@code head}; an emitter writes {@code head}, clears the
 *       flag, then reads the slot (volatile). If the depositor read an old head, the emitter's later read sees the
 *       deposit; if it read its own sequence, it emits itself or the active emitter's final read sees it.</li>
 *   <li><b>Waiting producers</b> (the window full) park on a lock's condition, the only lock here; the emitter
 *       takes it only when {@code waiters > 0}.</li>
 *   <li>Cost per item: one release store and one fence to deposit, one CAS for the flag (uncontended when results
 *       arrive in order), one CAS to take the slot out.</li>
 * </ul>
 */
final class ReorderBuffer {
    static final Object SKIP = new Object();
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle EMITTING;

    static {
        try {
            EMITTING = MethodHandles.lookup().findVarHandle(ReorderBuffer.class, "emitting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int window;
    /** Next sequence to emit; written only by the emitter. */
    private volatile long head;
    /** Next sequence {@link #acquire} hands out (stages that are not on a ring). */
    private final AtomicLong next = new AtomicLong();
    /** Sequences handed out so far (the window's fill is {@code issued - head}). */
    private final java.util.function.LongSupplier issued;
    @SuppressWarnings("unused") private volatile int emitting;
    private volatile boolean closed;
    private volatile boolean externalClosed;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    /** Producers parked for room in the window (changed under {@link #lock}). */
    private volatile int waiters;

    /** Receives a buffer's output: results in sequence order, one emitter at a time. */
    interface Sink {
        /** The next result in order (may block: downstream back-pressure). */
        void emit(Envelope e);

        /** A result deposited after {@link #close}: the caller ends it CANCELLED. */
        void cancelled(Envelope e);
    }

    ReorderBuffer(int window) {
        this.window = window;
        this.slots = new Object[window];
        this.issued = next::get;
    }

    /** A ring stage's buffer: sequences are ring positions, {@code issued} is the ring's tail. */
    ReorderBuffer(int window, java.util.function.LongSupplier issued) {
        this.window = window;
        this.slots = new Object[window];
        this.issued = issued;
    }

    /** Ring stages: positions must stay below this (the window's end); stale reads are conservative. */
    long limit() { return head + window; }

    /**
     * Takes the next sequence, waiting while the window is full.
     * @return the sequence, or -1 when the stage was closed (for external producers: closed to them)
     */
    long acquire(boolean external) throws InterruptedException {
        long run = acquire(1, external);
        return run < 0 ? -1 : run >>> 16;
    }

    /**
     * Takes a run of consecutive sequences, 1 to {@code min(max, 65535)} of them, waiting while the window is full;
     * the run is as long as the window has room for.
     * @return {@code first << 16 | count}, or -1 when the stage was closed to external producers
     */
    long acquireRun(int max) throws InterruptedException {
        return acquire(max, true);
    }

    private long acquire(int max, boolean external) throws InterruptedException {
        while (true) {
            if (closed || (external && externalClosed)) return -1;
            long n = next.get();
            long room = window - (n - head);
            if (room > 0) {
                int k = (int) Math.min(Math.min(room, max), 0xFFFF);
                if (next.compareAndSet(n, n + k)) return n << 16 | k;
                continue;
            }
            awaitRoom(() -> next.get() - head < window, external);
        }
    }

    /**
     * Parks until {@code room} holds or the buffer closes (to this producer); spurious returns are allowed.
     * Called by this buffer's producers and by a ring stage's producers waiting for the window.
     */
    void awaitRoom(java.util.function.BooleanSupplier room, boolean external) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            waiters++;
            try {
                VarHandle.fullFence();
                if (!room.getAsBoolean() && !closed && !(external && externalClosed)) notFull.await();
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Frees the slot of an item that ended without a result (see {@link #finish}). */
    void skip(long seq, Sink out) {
        finish(seq, SKIP, out);
    }

    /**
     * Deposits a result (an envelope) or {@link #SKIP}; when this makes the head ready and nobody emits, this thread
     * becomes the emitter and hands results to {@code out.emit} in order. After {@link #close} a deposited envelope
     * is ended CANCELLED at once.
     */
    void finish(long seq, Object result, Sink out) {
        int i = (int) (seq % window);
        if (closed) {
            if (result != SKIP) out.cancelled((Envelope) result);
            return;
        }
        if (seq == head && EMITTING.compareAndSet(this, 0, 1)) { // in order and nobody emits: no slot round trip
            drain(seq + 1, result, out);
            return;
        }
        SLOTS.setVolatile(slots, i, result);
        if (closed) { // a cancel may have swept the slots before this deposit: take it back unless it did
            if (result != SKIP && SLOTS.compareAndSet(slots, i, result, null))
                out.cancelled((Envelope) result);
            return;
        }
        if (seq == head) emit(out); // otherwise an earlier item is missing: whoever deposits the head emits
    }

    /**
     * Deposits a result without trying to emit: the depositor must call {@link #flush} later (a worker, once per
     * batch). Until then the result may wait for an emitter; it is never lost (a cancel sweeps slots).
     */
    void deposit(long seq, Object result, Sink out) {
        if (closed) {
            if (result != SKIP) out.cancelled((Envelope) result);
            return;
        }
        SLOTS.setRelease(slots, (int) (seq % window), result);
    }

    /** After {@link #deposit}s: emits the ready run at the head unless someone else does, or ends leftovers after a cancel. */
    void flush(Sink out) {
        VarHandle.fullFence(); // deposits before reading head and flag (see the class notes: the depositor's side)
        if (closed) {
            for (Envelope e : close()) out.cancelled(e); // deposits a cancel's sweep may have missed
            return;
        }
        if (SLOTS.getVolatile(slots, (int) (head % window)) != null) emit(out);
    }

    private void emit(Sink out) {
        if (EMITTING.compareAndSet(this, 0, 1)) drain(head, null, out);
    }

    /**
     * Holding the emitter flag: emits {@code first} (the head's result, handed over directly; null when the head is
     * read from its slot) and the ready run after it, publishes the new head, lets go of the flag, and goes round
     * again when the new head's slot was filled meanwhile (its depositor may have seen the flag still set).
     */
    private void drain(long h, Object first, Sink out) {
        while (true) {
            try {
                if (first != null && first != SKIP) out.emit((Envelope) first);
                first = null;
                while (true) {
                    int i = (int) (h % window);
                    Object s = SLOTS.getAcquire(slots, i);
                    if (s == null || !SLOTS.compareAndSet(slots, i, s, null)) break; // not ready, or taken by close
                    h++;
                    if (s != SKIP) out.emit((Envelope) s);
                }
            } finally {
                head = h; // once per run: producers wait for room run by run, not item by item
                EMITTING.setVolatile(this, 0);
            }
            // wake waiting producers once half the window is free, not per run (one wake-up per half window)
            if (waiters > 0 && head + window - issued.getAsLong() >= Math.max(1, window / 2)) wakeWaiters();
            if (closed || SLOTS.getVolatile(slots, (int) (h % window)) == null) return;
            if (!EMITTING.compareAndSet(this, 0, 1)) return; // another thread emits (it will see the slot)
            h = head;
        }
    }

    private void wakeWaiters() {
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Finished items waiting for an earlier one (the reorder depth gauge; a scan of the window, off the item path). */
    int depth() {
        int n = 0;
        for (int i = 0; i < slots.length; i++) {
            Object s = SLOTS.getAcquire(slots, i);
            if (s != null && s != SKIP) n++;
        }
        return n;
    }

    /** Stops external producers (drain): they get -1 from {@link #acquire}. */
    void closeExternal() {
        externalClosed = true;
        wakeWaiters();
    }

    /** Cancel: refuses everything from now on and returns the envelopes held (the caller ends them CANCELLED). */
    List<Envelope> close() {
        closed = true;
        List<Envelope> held = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            Object s = SLOTS.getAcquire(slots, i);
            if (s != null && SLOTS.compareAndSet(slots, i, s, null) && s != SKIP) held.add((Envelope) s);
        }
        wakeWaiters();
        return held;
    }
}
