package io.fanlab.engine.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget for extra attempts (retries, or hedges) as a share of first attempts, token-bucket style like Finagle's
 * {@code RetryBudget} and gRPC's retry throttling: every first attempt {@link #deposit()}s {@code ratio} tokens,
 * every extra attempt {@link #tryWithdraw()}s one whole token and is refused when less than one is saved.
 *
 * <p>Cap: the balance is capped at {@code max(10, 100 * ratio)} tokens, and the budget starts full. So after a
 * calm period at most 10 extra attempts (or the share of the last 100 first attempts, whichever is more) can go out
 * back to back, and in steady state extra attempts are at most {@code ratio} x first attempts. Starting full lets a
 * cold stage retry its first failures. {@code ratio = 0} means no extra attempts at all (cap 0).
 *
 * <p>Unlike Finagle the deposits do not expire with time; the cap bounds what can be saved instead. Arithmetic is
 * exact: tokens are kept as millionths in a {@code long}.
 *
 * <p>Threading: lock-free (a CAS loop on one {@link AtomicLong}); safe from any thread.
 */
public final class RetryBudget {
    static final long UNIT = 1_000_000L;
    /** The least cap of a non-zero budget, in tokens. */
    public static final int MIN_CAP = 10;

    private final long depositUnits;
    private final long capUnits;
    private final AtomicLong balance;

    /**
     * A budget of {@code ratio} extra attempts per first attempt, with the default cap and a full start.
     *
     * @param ratio in [0, 1]
     */
    public RetryBudget(double ratio) {
        this(ratio, ratio == 0 ? 0 : Math.max(MIN_CAP, 100 * ratio));
    }

    /**
     * @param ratio tokens deposited per first attempt, in [0, 1]
     * @param cap   most tokens saved (also the starting balance), >= 0
     */
    public RetryBudget(double ratio, double cap) {
        if (!(ratio >= 0 && ratio <= 1)) throw new IllegalArgumentException("budget: " + ratio + " (expected: 0..1)");
        if (!(cap >= 0) || Double.isInfinite(cap)) throw new IllegalArgumentException("budget.cap: " + cap + " (expected: >= 0)");
        this.depositUnits = Math.round(ratio * UNIT);
        this.capUnits = Math.round(cap * UNIT);
        this.balance = new AtomicLong(capUnits);
    }

    /** Credits one first attempt: adds {@code ratio} tokens, up to the cap. */
    public void deposit() {
        if (depositUnits == 0) return;
        long b;
        do {
            b = balance.get();
            if (b >= capUnits) return;
        } while (!balance.compareAndSet(b, Math.min(capUnits, b + depositUnits)));
    }

    /** Takes one token for an extra attempt; false (and nothing taken) when less than one is saved. */
    public boolean tryWithdraw() {
        long b;
        do {
            b = balance.get();
            if (b < UNIT) return false;
        } while (!balance.compareAndSet(b, b - UNIT));
        return true;
    }

    /** Tokens saved now. */
    public double balance() { return balance.get() / (double) UNIT; }

    /** Most tokens that can be saved. */
    public double cap() { return capUnits / (double) UNIT; }

    @Override public String toString() { return "RetryBudget[" + balance() + "/" + cap() + "]"; }
}
