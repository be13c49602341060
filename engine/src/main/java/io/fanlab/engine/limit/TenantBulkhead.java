package io.fanlab.engine.limit;

import io.fanlab.engine.spec.Bulkhead;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Per-tenant shares of a stage's concurrency limit, with weighted permits (an item of weight w takes w permits).
 *
 * <p>Rules, with {@code total = totalLimit.getAsInt()} read at every call (the limit may be adaptive):
 * <ul>
 *   <li>a listed tenant's cap is {@code max(1, floor(share * total))};</li>
 *   <li>tenants not listed form one group "others" whose combined cap is {@code max(1, floor(rest * total))},
 *       {@code rest = 1 - sum(shares)};</li>
 *   <li>a grant never makes the total in use exceed {@code total};</li>
 *   <li>with {@code burst = false} a grant never makes a tenant (or the others group) exceed its cap (isolation
 *       first); with {@code burst = true} a tenant may go over its cap as long as the total stays within
 *       {@code total} (work-conserving, as concurrency-limits' partitioned limiter).</li>
 * </ul>
 * A request that can never fit (weight above the cap without burst, or above the total) is refused, not queued:
 * callers should cap weights. When the total shrinks, held permits are kept; new grants wait until use is back
 * under the new caps.
 *
 * <p>Threading: thread-safe; counts are guarded by one {@link ReentrantLock} held for a map lookup and a few
 * comparisons. The per-tenant map only holds tenants with permits in use.
 */
public final class TenantBulkhead {

    private final Map<String, Double> shares;
    private final double rest;
    private final boolean burst;
    private final IntSupplier totalLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, int[]> inUse = new HashMap<>(); // guarded by lock; tenant -> permits
    private int othersInUse; // guarded by lock
    private int totalInUse;  // guarded by lock

    public TenantBulkhead(Bulkhead spec, IntSupplier totalLimit) {
        this.shares = Objects.requireNonNull(spec, "spec").shares();
        this.burst = spec.burst();
        this.totalLimit = Objects.requireNonNull(totalLimit, "totalLimit");
        double sum = 0;
        for (double s : shares.values()) sum += s;
        this.rest = Math.max(0, 1 - sum);
    }

    /**
     * Takes {@code weight} permits for {@code tenant} if the rules above allow it now; never waits.
     *
     * @throws IllegalArgumentException if weight < 1 or tenant is null
     */
    public boolean tryAcquire(String tenant, int weight) {
        check(tenant, weight);
        lock.lock();
        try {
            int total = totalLimit.getAsInt();
            if (totalInUse + (long) weight > total) return false;
            boolean listed = shares.containsKey(tenant);
            int group = listed ? held(tenant) : othersInUse;
            if (!burst && group + (long) weight > cap(tenant, total)) return false;
            inUse.computeIfAbsent(tenant, t -> new int[1])[0] += weight;
            if (!listed) othersInUse += weight;
            totalInUse += weight;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns {@code weight} permits of {@code tenant}.
     *
     * @throws IllegalStateException if the tenant holds fewer than {@code weight} permits
     */
    public void release(String tenant, int weight) {
        check(tenant, weight);
        lock.lock();
        try {
            int[] held = inUse.get(tenant);
            if (held == null || held[0] < weight)
                throw new IllegalStateException("release: tenant '" + tenant + "' weight " + weight + " holds "
                        + (held == null ? 0 : held[0]) + " (expected: release at most what was acquired)");
            held[0] -= weight;
            if (held[0] == 0) inUse.remove(tenant);
            if (!shares.containsKey(tenant)) othersInUse -= weight;
            totalInUse -= weight;
        } finally {
            lock.unlock();
        }
    }

    /** Permits {@code tenant} holds now. */
    public int inUse(String tenant) {
        lock.lock();
        try {
            return held(tenant);
        } finally {
            lock.unlock();
        }
    }

    /** Permits held by all tenants now. */
    public int totalInUse() {
        lock.lock();
        try {
            return totalInUse;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The cap of {@code tenant} at the current total: its own for a listed tenant, the whole others group's for an
     * unlisted one.
     */
    public int cap(String tenant) {
        return cap(tenant, totalLimit.getAsInt());
    }

    private int cap(String tenant, int total) {
        Double share = shares.get(tenant);
        double s = share != null ? share : rest;
        return Math.max(1, (int) Math.floor(s * total + 1e-9));
    }

    private int held(String tenant) {
        int[] held = inUse.get(tenant);
        return held == null ? 0 : held[0];
    }

    private static void check(String tenant, int weight) {
        if (tenant == null) throw new IllegalArgumentException("tenant: null (expected: a name)");
        if (weight < 1) throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }

    @Override public String toString() { return "TenantBulkhead[" + shares + ", burst " + burst + "]"; }
}
