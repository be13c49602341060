package io.fanlab.bench;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the completions of one batch of items and wakes the single thread waiting for the batch.
 *
 * <p>Contract: {@link #expect(long)} arms the gate for {@code n} completions and names the calling thread as the
 * waiter; {@link #arrive()} is called exactly once per completed item, from any thread; {@link #await(long)} returns
 * when all {@code n} arrived. A duplicate completion (more arrivals than expected) or a reported failure makes the
 * next {@code await} or {@code expect} throw, so a design that loses, duplicates or fails an item can never produce a
 * score. A lost item makes {@code await} time out.
 *
 * <p>Threading: one waiter at a time (the JMH benchmark thread); arrivals concurrent. The count is a single
 * {@link AtomicLong}: every design pays the same contended decrement per item (the "one consumer" the items return to).
 */
public final class CompletionGate {
    private final AtomicLong remaining = new AtomicLong();
    private volatile Thread waiter;
    private volatile Throwable failure;

    /** Arms the gate for {@code n} arrivals. @throws IllegalStateException if the previous batch is not exactly complete */
    public void expect(long n) {
        if (n < 1) throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
        check();
        long left = remaining.get();
        if (left != 0) throw new IllegalStateException("previous batch: " + left + " completions missing (expected: 0)");
        waiter = Thread.currentThread();
        remaining.set(n);
    }

    /** One item of the current batch completed. */
    public void arrive() {
        long left = remaining.decrementAndGet();
        if (left == 0) LockSupport.unpark(waiter);
        else if (left < 0) fail(new IllegalStateException("completion count: " + left + " below zero (expected: each item completes once)"));
    }

    /**
     * {@code n} items of the current batch completed, reported together (a design that hands results over as runs:
     * one decrement per run instead of one per item).
     */
    public void arrive(int n) {
        if (n < 1) { fail(new IllegalStateException("arrivals: " + n + " (expected: >= 1)")); return; }
        long left = remaining.addAndGet(-n);
        if (left == 0) LockSupport.unpark(waiter);
        else if (left < 0) fail(new IllegalStateException("completion count: " + left + " below zero (expected: each item completes once)"));
    }

    /** An item failed; the waiter is woken and {@code await} throws. */
    public void fail(Throwable cause) {
        if (failure == null) failure = cause;
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
    }

    /**
     * Waits until every expected item arrived.
     * @param timeoutNanos safety net only (a lost item), far above any expected batch time
     * @throws TimeoutException      when items are still missing at the deadline
     * @throws IllegalStateException when an item failed or completed twice
     */
    public void await(long timeoutNanos) throws TimeoutException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (remaining.get() > 0) {
            check();
            long wait = deadline - System.nanoTime();
            if (wait <= 0) throw new TimeoutException("batch: " + remaining.get() + " completions missing after " + timeoutNanos / 1_000_000 + " ms");
            LockSupport.parkNanos(this, wait);
        }
        check();
    }

    /** Completions still missing from the current batch (negative after a duplicate). */
    public long remaining() { return remaining.get(); }

    private void check() {
        Throwable f = failure;
        if (f != null) throw new IllegalStateException("a design reported a failed or duplicated item", f);
    }
}
