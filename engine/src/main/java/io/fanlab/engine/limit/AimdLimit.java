package io.fanlab.engine.limit;

import io.fanlab.engine.spec.LimitSpec;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Additive increase, multiplicative decrease (the TCP Reno rule, as Netflix concurrency-limits' {@code AimdLimit}).
 *
 * <p>Rule, per sample, in this order:
 * <ol>
 *   <li>if {@code didDrop} or {@code rtt > timeout}: {@code limit = floor(limit * backoff)};</li>
 *   <li>else if {@code inflight * 2 >= limit} (the limit was actually used, so the sample says something about
 *       it): {@code limit = limit + 1};</li>
 *   <li>else (app-limited: less than half the limit in use): unchanged;</li>
 * </ol>
 * then clamp to [min, max]. Example with initial 10, backoff 0.5 and inflight 10: ok, ok, drop, ok gives
 * 11, 12, 6, 7.
 *
 * <p>Threading: {@link #onSample} updates under a {@link ReentrantLock} (a few arithmetic operations);
 * {@link #currentLimit()} reads a volatile field.
 */
public final class AimdLimit implements Limit {
    private final int min;
    private final int max;
    private final double backoff;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile int limit;

    public AimdLimit(LimitSpec.Aimd spec) {
        this.min = spec.min();
        this.max = spec.max();
        this.backoff = spec.backoff();
        this.timeoutNanos = spec.timeout().toNanos();
        this.limit = spec.initial();
    }

    @Override public int currentLimit() { return limit; }

    @Override public void onSample(long startNanos, long rttNanos, int inflight, boolean didDrop) {
        lock.lock();
        try {
            int current = limit;
            int next;
            if (didDrop || rttNanos > timeoutNanos) next = (int) (current * backoff);
            else if (inflight * 2L >= current) next = current + 1;
            else return;
            limit = Math.max(min, Math.min(max, next));
        } finally {
            lock.unlock();
        }
    }

    @Override public String toString() { return "AimdLimit[" + limit + " in " + min + ".." + max + "]"; }
}
