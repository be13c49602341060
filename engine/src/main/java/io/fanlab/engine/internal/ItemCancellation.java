package io.fanlab.engine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The engine side of a {@code pipeline.CancelToken}: one item's own cancellation, apart from the stage's. Not API.
 *
 * <p>Implementation notes. A small state machine on one int, so that the interrupt a cancel sends reaches the
 * thread exactly while it runs this item's work, never the next item:
 * <pre>
 *   IDLE --enter(t)--> RUNNING --exit()--> IDLE         (queued, between stages, at a gate / in service)
 *   IDLE --cancel()--> CANCELLED                        (it will not start: the worker ends it CANCELLED)
 *   RUNNING --cancel()--> INTERRUPTING --(t.interrupt())--> CANCELLED
 * </pre>
 * {@link #exit} from INTERRUPTING waits (spins: the canceller is between two stores) until CANCELLED, then clears
 * the thread's interrupt status, which then holds exactly the interrupt the cancel sent (or one sent to the stage,
 * which the worker's own checks see through {@code stage.cancelled}). Only the running thread calls enter/exit;
 * any thread may call {@link #cancel} and {@link #isCancelled}.
 */
public final class ItemCancellation {
    private static final int IDLE = 0, RUNNING = 1, INTERRUPTING = 2, CANCELLED = 3;
    private static final VarHandle STATE, ATTACHED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ItemCancellation.class, "state", int.class);
            ATTACHED = l.findVarHandle(ItemCancellation.class, "attached", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private volatile Thread runner;
    @SuppressWarnings("unused") private volatile boolean attached;

    /**
     * Cancels the item.
     * @return true when this call cancelled it (it had not been cancelled before); whether it then ends CANCELLED
     *         depends on where it is (see {@code CancelToken#cancel})
     */
    public boolean cancel() {
        while (true) {
            int s = state;
            if (s == IDLE) {
                if (STATE.compareAndSet(this, IDLE, CANCELLED)) return true;
            } else if (s == RUNNING) {
                Thread t = runner;
                if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                    t.interrupt();
                    state = CANCELLED;
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    /** Whether {@link #cancel} was called. */
    public boolean isCancelled() {
        return state >= INTERRUPTING;
    }

    /** Binds this cancellation to one item, once. @throws IllegalStateException when it was bound before */
    void attach() {
        if (!ATTACHED.compareAndSet(this, false, true))
            throw new IllegalStateException("cancel token: already given with another item (expected: one token per submitted item)");
    }

    /**
     * The calling thread is about to run the item's work. @return false when the item was cancelled (do not run it)
     */
    boolean enter(Thread t) {
        runner = t;
        return STATE.compareAndSet(this, IDLE, RUNNING);
    }

    /** The work ended (the thread that entered); clears the interrupt a cancel sent meanwhile. */
    void exit() {
        if (STATE.compareAndSet(this, RUNNING, IDLE)) return;
        while (state == INTERRUPTING) Thread.yield(); // the canceller is between its CAS and its store
        Thread.interrupted(); // the cancel's interrupt must not reach the next item
    }
}
