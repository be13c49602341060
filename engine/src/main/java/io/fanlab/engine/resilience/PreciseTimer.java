package io.fanlab.engine.resilience;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AttemptTimer} on {@link System#nanoTime()}: one platform thread, a binary min-heap of deadlines, and a
 * park-then-spin wait that fires within microseconds of the deadline on an idle core.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Why a heap and not a hashed wheel.</b> A wheel (Netty's {@code HashedWheelTimer}) fires on ticks: to
 *       fire within 0.2 ms its thread must wake every 0.1-0.2 ms even when nothing is due, 5,000-10,000 wake-ups a
 *       second on a 2-core machine, and its error is a whole tick. A heap costs O(log n) per schedule and cancel
 *       (n = pending deadlines: about the attempts in flight, hundreds) and the thread wakes only when something
 *       is due, so precision comes from how it waits, not from a tick.</li>
 *   <li><b>Waiting.</b> {@link LockSupport#parkNanos} on Linux oversleeps by the timer slack (50 us by default) plus
 *       the wake-up: 50-100 us on an idle machine, but 100-200 us on about one park in six on the 2-vCPU machines
 *       here (a halted vCPU is slow to wake), and milliseconds when both cores are busy. The thread therefore parks
 *       until {@code deadline - margin} and spins ({@link Thread#onSpinWait()}) the rest, reading the earliest
 *       deadline from a volatile field without the lock. The margin adapts: every park toward a deadline measures
 *       its own overshoot and a {@link ParkOvershootEstimator} keeps the margin at about mean + 6 deviations of
 *       recent overshoots, between {@code spinNanos} (100 us by default) and {@code spinCapNanos} (300 us). With
 *       a fixed 100 us about one hedge in eight fired more than 200 us late on an idle machine (issue 13). The spin
 *       costs at most the margin of one core per deadline still pending when it comes near (hedge delays whose
 *       primary is about to finish); {@link #spunNanos()} adds it up.</li>
 *   <li><b>Cancellation.</b> Each entry knows its heap index, so {@link Timeout#cancel()} removes it in O(log n):
 *       cancelled deadlines neither fill the heap nor wake the thread. A new entry that becomes the earliest
 *       unparks the thread so it can shorten its wait.</li>
 *   <li><b>Lifecycle.</b> The thread starts on the first {@link #schedule} and ends after {@code lingerNanos}
 *       without pending deadlines, or at {@link #shutdown()} (which waits up to 1 s for it to end); a later
 *       schedule starts a new one, except after shutdown (then tasks are dropped). Tasks run outside the lock; a
 *       task that throws is counted ({@link #taskErrors()}) and the timer goes on.</li>
 * </ul>
 *
 * <p>Threading: the heap is guarded by one {@link ReentrantLock}; {@link #schedule} and cancel may be called from any
 * thread, including from a task. Lock order for callers: their own lock, then this timer's (a task never runs
 * under this timer's lock).
 */
public final class PreciseTimer implements AttemptTimer {
    /** Default spin before a deadline, in nanoseconds: covers the usual park overshoot on Linux; the adaptive floor. */
    public static final long DEFAULT_SPIN_NANOS = 100_000;
    /**
     * Default cap of the adaptive spin, in nanoseconds. The CPU it may cost: the thread spins only while the earliest
     * pending deadline is within the margin, so for hedges at p95 of a ~1 ms service at 1000 items/s an estimated 1%
     * of a core at 100 us and 6% at 300 us (most primaries end inside the window and cancel their deadline). With
     * every deadline firing (none cancelled), PreciseTimerPrecisionSlowTest measured 0.31-0.45 s of spin per 3,000
     * deadlines adaptive (100-150 us per deadline that fires) against 0.02-0.06 s with a fixed 100 us margin.
     */
    public static final long DEFAULT_SPIN_CAP_NANOS = 300_000;
    /** Default idle time before the thread ends, in nanoseconds. */
    public static final long DEFAULT_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String threadName;
    private final long lingerNanos;
    private final ReentrantLock lock = new ReentrantLock();
    // --- guarded by lock
    private Entry[] heap = new Entry[64];
    private int size;
    private Thread thread;
    private boolean shutdown;
    private long fired;
    private long taskErrors;
    // ---
    /** The earliest pending deadline, {@code Long.MAX_VALUE} when none; written under the lock. */
    private volatile long earliest = Long.MAX_VALUE;
    private volatile boolean stopping;
    // --- written by the timer thread only (a new thread starts under the lock the old one ended under)
    private final ParkOvershootEstimator overshoot;
    private volatile long marginNanos;
    private volatile long spunNanos;

    /** A timer with an adaptive spin between {@link #DEFAULT_SPIN_NANOS} and {@link #DEFAULT_SPIN_CAP_NANOS}. */
    public PreciseTimer(String threadName) {
        this(threadName, DEFAULT_SPIN_NANOS, DEFAULT_SPIN_CAP_NANOS, DEFAULT_LINGER_NANOS);
    }

    /** A timer with a fixed spin of {@code spinNanos} (no adaptation). */
    public PreciseTimer(String threadName, long spinNanos, long lingerNanos) {
        this(threadName, spinNanos, spinNanos, lingerNanos);
    }

    /**
     * @param threadName   name of the timer thread
     * @param spinNanos    how long before a deadline the thread stops parking and spins, at least, >= 0
     * @param spinCapNanos how long at most, >= spinNanos: the margin adapts between the two to the measured park
     *                     overshoot ({@link ParkOvershootEstimator})
     * @param lingerNanos  how long the thread waits without deadlines before it ends, > 0
     */
    public PreciseTimer(String threadName, long spinNanos, long spinCapNanos, long lingerNanos) {
        if (spinNanos < 0) throw new IllegalArgumentException("spinNanos: " + spinNanos + " (expected: >= 0)");
        if (spinCapNanos < spinNanos)
            throw new IllegalArgumentException("spinCapNanos: " + spinCapNanos + " (expected: >= spinNanos " + spinNanos + ")");
        if (lingerNanos <= 0) throw new IllegalArgumentException("lingerNanos: " + lingerNanos + " (expected: > 0)");
        this.threadName = threadName;
        this.lingerNanos = lingerNanos;
        this.overshoot = new ParkOvershootEstimator(spinNanos, spinCapNanos);
        this.marginNanos = spinNanos;
    }

    private final class Entry implements Timeout {
        final long deadline;
        final Runnable task;
        int index = -1; // in the heap while >= 0; guarded by lock

        Entry(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        @Override public boolean cancel() {
            lock.lock();
            try {
                if (index < 0) return false;
                removeAt(index);
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    private static final Timeout DROPPED = () -> false;

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override
    public Timeout schedule(long deadlineNanos, Runnable task) {
        Entry e = new Entry(deadlineNanos, task);
        Thread wake = null;
        lock.lock();
        try {
            if (shutdown) return DROPPED;
            if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
            e.index = size;
            heap[size++] = e;
            siftUp(e.index);
            if (e.index == 0) {
                earliest = deadlineNanos;
                if (thread == null) {
                    thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::loop);
                    thread.start();
                } else {
                    wake = thread;
                }
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) LockSupport.unpark(wake);
        return e;
    }

    @Override
    public void shutdown() {
        Thread t;
        lock.lock();
        try {
            shutdown = true;
            stopping = true;
            Arrays.fill(heap, 0, size, null);
            size = 0;
            earliest = Long.MAX_VALUE;
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            try {
                t.join(1000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The timer thread while it runs (for a list of engine threads), else null. */
    public Thread thread() {
        lock.lock();
        try {
            return thread;
        } finally {
            lock.unlock();
        }
    }

    /** Deadlines pending now. */
    public int pending() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks run since creation. */
    public long fired() {
        lock.lock();
        try {
            return fired;
        } finally {
            lock.unlock();
        }
    }

    /** The spin margin now, in nanoseconds: how long before a deadline the thread stops parking. */
    public long spinMarginNanos() { return marginNanos; }

    /** Time spent spinning toward deadlines since creation, in nanoseconds (the CPU the precision costs). */
    public long spunNanos() { return spunNanos; }

    /** Tasks that threw (the timer went on). */
    public long taskErrors() {
        lock.lock();
        try {
            return taskErrors;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long idleSince = 0;
        while (true) {
            Runnable task = null;
            long wait;
            long now;
            boolean idle;
            long margin = overshoot.marginNanos();
            lock.lock();
            try {
                now = System.nanoTime();
                if (shutdown) {
                    thread = null;
                    return;
                }
                idle = size == 0;
                if (idle) {
                    if (idleSince == 0) idleSince = now;
                    else if (now - idleSince >= lingerNanos) {
                        thread = null;
                        return;
                    }
                    wait = lingerNanos - (now - idleSince);
                } else {
                    idleSince = 0;
                    Entry head = heap[0];
                    wait = head.deadline - now;
                    if (wait <= 0) {
                        removeAt(0);
                        task = head.task;
                        fired++;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (task != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    lock.lock();
                    try {
                        taskErrors++;
                    } finally {
                        lock.unlock();
                    }
                }
            } else if (idle) {
                LockSupport.parkNanos(this, wait);
            } else if (wait > margin) {
                long target = now + wait - margin;
                LockSupport.parkNanos(this, wait - margin);
                overshoot.record(System.nanoTime() - target); // woken early by an unpark: negative, ignored
                if (overshoot.marginNanos() != marginNanos) marginNanos = overshoot.marginNanos();
            } else {
                // spin without the lock until the earliest deadline passes, or moves away (cancelled or replaced)
                long e, from = System.nanoTime(), t = from;
                while (!stopping && (e = earliest) != Long.MAX_VALUE) {
                    long left = e - (t = System.nanoTime());
                    if (left <= 0 || left > margin) break;
                    Thread.onSpinWait();
                }
                spunNanos += t - from; // single writer
            }
        }
    }

    // ---------------------------------------------------------------------------------- heap, under the lock

    private void removeAt(int i) {
        Entry gone = heap[i];
        gone.index = -1;
        int last = --size;
        if (i != last) {
            Entry moved = heap[last];
            heap[i] = moved;
            moved.index = i;
            heap[last] = null;
            siftDown(i);
            if (moved.index == i) siftUp(i);
        } else {
            heap[last] = null;
        }
        earliest = size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.deadline - e.deadline <= 0) break;
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline - heap[child].deadline < 0) child = right;
            Entry c = heap[child];
            if (e.deadline - c.deadline <= 0) break;
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }

    @Override public String toString() { return "PreciseTimer[" + threadName + ", " + pending() + " pending]"; }
}
