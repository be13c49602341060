package io.fanlab.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Puts a stage's results back into input-sequence order within a bounded window.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>Sequences are handed out here ({@link #acquire}), so the window is enforced at admission: a producer waits
 *       while {@code next - head >= window} (the stage stops taking input rather than growing the buffer).</li>
 *   <li>Slot {@code seq % window} holds the finished envelope, or {@link #SKIP} for an item that ended without a
 *       result (failed, shed, cancelled, ...): those end at once and only free their slot.</li>
 *   <li>One emitter at a time: the worker that fills the head slot while nobody emits becomes the emitter; it takes
 *       the run of ready slots under the lock, then hands them downstream outside the lock (downstream may block),
 *       and repeats until the head is not ready. Order is kept because only the emitter advances {@code head}'s
 *       output and it emits runs in order. Other workers only deposit and return.</li>
 *   <li>Cost: one lock acquisition per admitted item and per finished item, plus one per emitted run.</li>
 * </ul>
 */
final class ReorderBuffer {
    static final Object SKIP = new Object();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Object[] slots;
    private final int window;
    private long head;
    private long next;
    private int buffered;
    private boolean emitting;
    private boolean closed;
    private boolean externalClosed;

    ReorderBuffer(int window) {
        this.window = window;
        this.slots = new Object[window];
    }

    /**
     * Takes the next sequence, waiting while the window is full.
     * @return the sequence, or -1 when the stage was closed (for external producers: closed to them)
     */
    long acquire(boolean external) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed || (external && externalClosed)) return -1;
                if (next - head < window) return next++;
                notFull.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a run of consecutive sequences, 1 to {@code min(max, 65535)} of them, under one lock acquisition,
     * waiting while the window is full; the run is as long as the window has room for.
     * @return {@code first << 16 | count}, or -1 when the stage was closed to external producers
     */
    long acquireRun(int max) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed || externalClosed) return -1;
                long room = window - (next - head);
                if (room > 0) {
                    int n = (int) Math.min(Math.min(room, max), 0xFFFF);
                    long first = next;
                    next += n;
                    return first << 16 | n;
                }
                notFull.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Frees the slot of an item that ended without a result. Returns envelopes to emit (see {@link #finish}). */
    void skip(long seq, StageRuntime stage) {
        finish(seq, SKIP, stage);
    }

    /**
     * Deposits a result (an envelope) or {@link #SKIP}; when this makes the head ready and nobody emits, this thread
     * becomes the emitter and hands results to {@code stage.emit} in order. After {@link #close} a deposited envelope
     * is ended CANCELLED at once.
     */
    void finish(long seq, Object result, StageRuntime stage) {
        List<Envelope> run = null;
        boolean refused = false;
        lock.lock();
        try {
            if (closed) {
                refused = result != SKIP;
                return;
            }
            slots[(int) (seq % window)] = result;
            if (result != SKIP) buffered++;
            if (emitting || seq != head) return;
            emitting = true;
            run = new ArrayList<>();
            takeRun(run);
        } finally {
            lock.unlock();
            if (refused) stage.end((Envelope) result, io.fanlab.engine.Outcome.CANCELLED, null); // outside the lock: calls the listener
        }
        while (true) {
            for (Envelope e : run) stage.emit(e);
            run.clear();
            lock.lock();
            try {
                takeRun(run);
                if (run.isEmpty()) {
                    emitting = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock: moves the ready run at the head into {@code run} and advances the head. */
    private void takeRun(List<Envelope> run) {
        boolean advanced = false;
        while (head < next) {
            int i = (int) (head % window);
            Object s = slots[i];
            if (s == null) break;
            slots[i] = null;
            if (s != SKIP) {
                run.add((Envelope) s);
                buffered--;
            }
            head++;
            advanced = true;
        }
        if (advanced) notFull.signalAll();
    }

    /** Finished items waiting for an earlier one (the reorder depth gauge). */
    int depth() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** Stops external producers (drain): they get -1 from {@link #acquire}. */
    void closeExternal() {
        lock.lock();
        try {
            externalClosed = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Cancel: refuses everything from now on and returns the envelopes held (the caller ends them CANCELLED). */
    List<Envelope> close() {
        List<Envelope> held = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null && slots[i] != SKIP) held.add((Envelope) slots[i]);
                slots[i] = null;
            }
            buffered = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        return held;
    }
}
