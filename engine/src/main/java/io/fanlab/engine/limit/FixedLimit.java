package io.fanlab.engine.limit;

import io.fanlab.engine.spec.Check;

/** A limit that never changes; samples are ignored. Immutable, hence thread-safe. */
public final class FixedLimit implements Limit {
    private final int limit;

    /** @param limit the constant limit, >= 1 */
    public FixedLimit(int limit) {
        this.limit = Check.atLeast("limit.limit", limit, 1);
    }

    @Override public int currentLimit() { return limit; }

    @Override public void onSample(long startNanos, long rttNanos, int inflight, boolean didDrop) {}

    @Override public String toString() { return "FixedLimit[" + limit + "]"; }
}
