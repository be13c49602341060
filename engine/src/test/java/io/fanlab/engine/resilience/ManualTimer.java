package io.fanlab.engine.resilience;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AttemptTimer} on a manual clock for tests: nothing fires until {@link #advanceTo} runs the due tasks, in
 * deadline order, on the calling thread.
 */
final class ManualTimer implements AttemptTimer {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Task> pending = new ArrayList<>();
    private volatile long now;
    private boolean shutdown;
    private long seq;

    private final class Task implements Timeout {
        final long deadline;
        final long order;
        final Runnable run;

        Task(long deadline, long order, Runnable run) {
            this.deadline = deadline;
            this.order = order;
            this.run = run;
        }

        @Override public boolean cancel() {
            lock.lock();
            try {
                return pending.remove(this);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override public Timeout schedule(long deadlineNanos, Runnable task) {
        lock.lock();
        try {
            if (shutdown) return () -> false;
            Task t = new Task(deadlineNanos, seq++, task);
            pending.add(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    @Override public long nanoTime() { return now; }

    @Override public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            pending.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Deadlines pending now. */
    int pending() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** The earliest pending deadline, or Long.MAX_VALUE. */
    long earliest() {
        lock.lock();
        try {
            return pending.stream().mapToLong(t -> t.deadline).min().orElse(Long.MAX_VALUE);
        } finally {
            lock.unlock();
        }
    }

    /** Moves the clock to {@code t} and runs every task due by then, earliest first (ties in schedule order). */
    void advanceTo(long t) {
        while (true) {
            Task next;
            lock.lock();
            try {
                next = pending.stream().filter(x -> x.deadline - t <= 0)
                        .min(Comparator.comparingLong((Task x) -> x.deadline).thenComparingLong(x -> x.order)).orElse(null);
                if (next == null) {
                    now = t;
                    return;
                }
                pending.remove(next);
                now = Math.max(now, next.deadline);
            } finally {
                lock.unlock();
            }
            next.run.run();
        }
    }
}
