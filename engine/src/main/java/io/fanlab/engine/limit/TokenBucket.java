package io.fanlab.engine.limit;

import io.fanlab.engine.spec.RateLimit;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A token bucket on starting work: tokens accrue continuously at {@code ratePerSecond} (fractions included), at
 * most {@code burst} are saved, and it starts full.
 *
 * <p>Implementation notes: the balance is kept as a {@code long} in token-nanoseconds (1 token = 10^9 units), so
 * arithmetic is exact for whole rates and a refill of {@code elapsed} nanoseconds adds
 * {@code elapsed * ratePerSecond} units, whole units credited and the fraction carried to the next refill (so
 * even rates below 1/s refill under frequent polling). Rounding only ever withholds (less than one unit), so the
 * bucket never grants more than {@code burst + rate * elapsed}.
 *
 * <p>{@link #acquire} reserves: it takes its tokens at once, letting the balance go negative, and sleeps until the
 * debt would have been refilled. Waiters are therefore served in the order they reached the lock, each sleeps
 * once, and a later {@link #tryAcquire} sees the debt. An interrupted {@code acquire} gives its reservation back.
 *
 * <p>Threading: thread-safe; the balance is guarded by a {@link ReentrantLock} held for a few arithmetic
 * operations, never while sleeping.
 */
public final class TokenBucket {
    private static final long UNIT = 1_000_000_000L;

    private final double ratePerSecond;
    private final int burst;
    private final long capacityUnits;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final ReentrantLock lock = new ReentrantLock();
    private long balanceUnits; // guarded by lock; may be negative while acquirers wait out a reservation
    private long lastRefillNanos; // guarded by lock
    private double carryUnits; // guarded by lock; the fraction of a unit not yet credited, in [0, 1)

    /** A bucket that waits with {@link Sleeper#SYSTEM}. */
    public TokenBucket(RateLimit spec, LongSupplier nanoClock) {
        this(spec, nanoClock, Sleeper.SYSTEM);
    }

    public TokenBucket(RateLimit spec, LongSupplier nanoClock, Sleeper sleeper) {
        this.ratePerSecond = Objects.requireNonNull(spec, "spec").ratePerSecond();
        this.burst = spec.burst();
        this.capacityUnits = burst * UNIT;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.balanceUnits = capacityUnits;
        this.lastRefillNanos = nanoClock.getAsLong();
    }

    /** Takes {@code tokens} if they are available now. @throws IllegalArgumentException if tokens is not 1..burst */
    public boolean tryAcquire(int tokens) {
        long need = units(tokens);
        lock.lock();
        try {
            refill();
            if (balanceUnits < need) return false;
            balanceUnits -= need;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Nanoseconds until {@code tokens} will be available (0 when available now), assuming nobody else takes any.
     *
     * @throws IllegalArgumentException if tokens is not 1..burst
     */
    public long nanosUntil(int tokens) {
        long need = units(tokens);
        lock.lock();
        try {
            refill();
            return waitFor(need);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code tokens}, sleeping (through the {@link Sleeper}) until the reservation is covered.
     *
     * @throws InterruptedException     if interrupted while sleeping; the reservation is then returned
     * @throws IllegalArgumentException if tokens is not 1..burst
     */
    public void acquire(int tokens) throws InterruptedException {
        long need = units(tokens);
        long wait;
        lock.lock();
        try {
            refill();
            wait = waitFor(need);
            balanceUnits -= need;
        } finally {
            lock.unlock();
        }
        if (wait <= 0) return;
        try {
            sleeper.sleepNanos(wait);
        } catch (InterruptedException e) {
            lock.lock();
            try {
                balanceUnits = Math.min(capacityUnits, balanceUnits + need);
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Tokens available now (negative while reservations are outstanding). */
    public double availableTokens() {
        lock.lock();
        try {
            refill();
            return balanceUnits / (double) UNIT;
        } finally {
            lock.unlock();
        }
    }

    public double ratePerSecond() { return ratePerSecond; }

    public int burst() { return burst; }

    private long units(int tokens) {
        if (tokens < 1 || tokens > burst)
            throw new IllegalArgumentException("tokens: " + tokens + " (expected: 1.." + burst
                    + "; an item may not weigh more than the burst, or it could never start)");
        return tokens * UNIT;
    }

    private long waitFor(long need) {
        long deficit = need - balanceUnits;
        if (deficit <= 0) return 0;
        return (long) Math.ceil(deficit / ratePerSecond);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRefillNanos;
        if (elapsed <= 0) return;
        lastRefillNanos = now;
        long missing = capacityUnits - balanceUnits;
        double exact = elapsed * ratePerSecond + carryUnits;
        double add = Math.floor(exact);
        if (add >= missing) {
            balanceUnits = capacityUnits;
            carryUnits = 0;
        } else {
            balanceUnits += (long) add;
            carryUnits = exact - add;
        }
    }

    @Override public String toString() { return "TokenBucket[" + ratePerSecond + "/s, burst " + burst + "]"; }
}
