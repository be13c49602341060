package io.fanlab.engine.resilience;

import io.fanlab.engine.Work;
import io.fanlab.engine.WorkContext;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.RetryPolicy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Runs one item's attempts under a stage's per-attempt timeout, retry policy and hedge policy. One runner serves a
 * whole stage: its budgets, latency window and ledger are shared by all items.
 *
 * <p>Rules:
 * <ul>
 *   <li><b>Fast path.</b> With no timeout and no hedge, attempts run inline on the calling thread; no thread is
 *       created.</li>
 *   <li><b>Threads.</b> With a timeout or a hedge policy every attempt runs on a new virtual thread (never pooled)
 *       while the caller waits on a {@link Condition}.</li>
 *   <li><b>Timeout.</b> When an attempt has run {@code timeout} (on the nano clock), its token is set and its thread
 *       interrupted; it counts as dropped ({@code timeouts}) and its late result is ignored. If it was the last live
 *       attempt of the round, the round timed out.</li>
 *   <li><b>Retry.</b> After a failed or timed-out round, if attempts remain ({@code maxAttempts}) and the retry
 *       budget gives a token, the caller sleeps {@link Backoff#delayNanos} (through the {@link Sleeper}, with
 *       {@code random.nextDouble()} as jitter) and starts the next attempt; otherwise the item ends
 *       {@link AttemptOutcome.Failure} (cause: the round's first exception) or {@link AttemptOutcome.TimedOut}.
 *       Every {@code run} deposits into the retry and hedge budgets once (its first attempt).</li>
 *   <li><b>Hedge.</b> At most one hedge per round: when the primary is still running after the fixed delay (or the
 *       {@link LatencyWindow} percentile of recent successful attempt latencies; no hedge until the window has
 *       enough samples) and the hedge budget gives a token, a second attempt starts with {@code hedge = true}. The
 *       first success wins; the other attempt is cancelled (token and interrupt) and counted in
 *       {@code hedgeLosersCancelled}. A round fails only when both attempts failed or timed out.</li>
 *   <li><b>Cancellation.</b> If {@code itemCancelled} becomes true (polled at least every
 *       {@value #CANCEL_POLL_MILLIS} ms while waiting, and between attempts) or the calling thread is interrupted,
 *       live attempts are cancelled and {@link AttemptOutcome.Cancelled} is returned; an interrupt is then re-asserted
 *       on the calling thread rather than thrown. The inline path notices cancellation only through the work itself
 *       (its context's token answers {@code itemCancelled}) and between attempts; a backoff sleep notices it only
 *       through interruption.</li>
 *   <li><b>Stuck attempts.</b> An attempt thread that ignores interruption is not waited for: {@code run} returns on
 *       time, and the thread stays counted in {@link #liveAttemptThreads()} until it really ends.</li>
 * </ul>
 *
 * <p>Threading: {@code run} may be called concurrently from any number of worker threads. Per item, coordination
 * between the caller and its attempt threads uses one {@link ReentrantLock} and {@link Condition} (never
 * {@code synchronized}, so virtual callers do not pin carriers). Budgets are lock-free, the ledger uses
 * {@code LongAdder}s.
 *
 * <p>Time: deadlines and hedge delays are computed on the given nano clock, but waiting uses real time
 * ({@link Condition#awaitNanos}); pass {@code System::nanoTime} when attempts run on threads. Backoff waits go
 * through the {@link Sleeper}, so the inline path is fully deterministic under a manual clock and fake sleeper.
 */
public final class AttemptRunner {
    /** Longest wait before {@code itemCancelled} is polled again, in milliseconds. */
    public static final long CANCEL_POLL_MILLIS = 10;
    private static final long CANCEL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(CANCEL_POLL_MILLIS);

    private final long timeoutNanos; // 0 = no timeout
    private final RetryPolicy retry;
    private final HedgePolicy hedge; // null = no hedging
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final AttemptLedger ledger;
    private final RetryBudget retryBudget;
    private final RetryBudget hedgeBudget; // null without hedging
    private final LatencyWindow latencies; // null unless hedging by percentile
    private final AtomicInteger liveThreads = new AtomicInteger();
    private final ReentrantLock liveLock = new ReentrantLock();
    private final Condition noneLive = liveLock.newCondition();

    public AttemptRunner(Optional<Duration> timeout, RetryPolicy retry, Optional<HedgePolicy> hedge,
                         LongSupplier nanoClock, Sleeper sleeper, RandomGenerator random, AttemptLedger ledger) {
        Objects.requireNonNull(timeout, "timeout").ifPresent(t -> {
            if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("timeout: " + t + " (expected: > 0ms)");
        });
        this.timeoutNanos = timeout.map(Duration::toNanos).orElse(0L);
        this.retry = Objects.requireNonNull(retry, "retry");
        this.hedge = Objects.requireNonNull(hedge, "hedge").orElse(null);
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.retryBudget = new RetryBudget(retry.budget());
        this.hedgeBudget = this.hedge == null ? null : new RetryBudget(this.hedge.budget());
        this.latencies = this.hedge != null && this.hedge.fixedDelay().isEmpty() ? new LatencyWindow() : null;
    }

    /**
     * Runs {@code work} on {@code input} until an attempt succeeds, the policies give up, or the item is cancelled.
     * Never throws the work's exceptions (they end up in {@link AttemptOutcome.Failure}).
     *
     * @throws InterruptedException never in this implementation: an interrupt of the caller ends the item
     *                              {@link AttemptOutcome.Cancelled} with the interrupt status set again
     */
    public <I, O> AttemptOutcome<O> run(I input, Work<I, O> work, AttemptContexts contexts, BooleanSupplier itemCancelled)
            throws InterruptedException {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(contexts, "contexts");
        Objects.requireNonNull(itemCancelled, "itemCancelled");
        retryBudget.deposit();
        if (hedgeBudget != null) hedgeBudget.deposit();
        boolean threaded = timeoutNanos > 0 || hedge != null;
        for (int attempt = 0; ; attempt++) {
            if (itemCancelled.getAsBoolean()) return new AttemptOutcome.Cancelled<>(attempt);
            ledger.attempt();
            Round<O> r = threaded ? runOnThreads(attempt, input, work, contexts, itemCancelled)
                                  : runInline(attempt, input, work, contexts, itemCancelled);
            int made = attempt + 1;
            switch (r.kind) {
                case SUCCESS -> { return new AttemptOutcome.Success<>(r.value, made, r.hedgeWon); }
                case CANCELLED -> { return new AttemptOutcome.Cancelled<>(made); }
                default -> { }
            }
            if (itemCancelled.getAsBoolean()) return new AttemptOutcome.Cancelled<>(made);
            AttemptOutcome<O> last = r.kind == Kind.TIMED_OUT ? new AttemptOutcome.TimedOut<>(made)
                                                              : new AttemptOutcome.Failure<>(r.cause, made);
            if (made >= retry.maxAttempts()) return last;
            if (!retryBudget.tryWithdraw()) {
                ledger.retryDeniedByBudget();
                return last;
            }
            ledger.retry();
            long delay = Backoff.delayNanos(retry, made, random.nextDouble());
            if (delay > 0) {
                try {
                    sleeper.sleepNanos(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new AttemptOutcome.Cancelled<>(made);
                }
            }
        }
    }

    /** Attempt threads started and not yet finished, including ones abandoned after a timeout or lost race. */
    public int liveAttemptThreads() { return liveThreads.get(); }

    /** Waits up to {@code d} for every attempt thread to end; true when none is alive. */
    public boolean awaitAttemptThreads(Duration d) throws InterruptedException {
        long remaining = d.toNanos();
        liveLock.lock();
        try {
            while (liveThreads.get() > 0) {
                if (remaining <= 0) return false;
                remaining = noneLive.awaitNanos(remaining);
            }
            return true;
        } finally {
            liveLock.unlock();
        }
    }

    /** The stage's retry budget (for metrics). */
    public RetryBudget retryBudget() { return retryBudget; }

    /** The hedge budget, when hedging. */
    public Optional<RetryBudget> hedgeBudget() { return Optional.ofNullable(hedgeBudget); }

    /** The window of successful attempt latencies, when hedging by percentile. */
    public Optional<LatencyWindow> latencyWindow() { return Optional.ofNullable(latencies); }

    public AttemptLedger ledger() { return ledger; }

    // ---------------------------------------------------------------------------------------------- inline path

    private <I, O> Round<O> runInline(int attempt, I input, Work<I, O> work, AttemptContexts contexts,
                                      BooleanSupplier itemCancelled) {
        WorkContext ctx = contexts.create(attempt, false, itemCancelled);
        long start = clock.getAsLong();
        try {
            O value = work.apply(input, ctx);
            recordLatency(clock.getAsLong() - start);
            return Round.success(value, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Round.cancelled();
        } catch (Throwable t) {
            return Round.failure(t);
        }
    }

    // ---------------------------------------------------------------------------------------------- thread path

    private enum Kind { SUCCESS, FAILURE, TIMED_OUT, CANCELLED }

    /** The result of one round (an attempt and its hedge). */
    private record Round<O>(Kind kind, O value, boolean hedgeWon, Throwable cause) {
        static <O> Round<O> success(O value, boolean hedgeWon) { return new Round<>(Kind.SUCCESS, value, hedgeWon, null); }
        static <O> Round<O> failure(Throwable cause) { return new Round<>(Kind.FAILURE, null, false, cause); }
        static <O> Round<O> timedOut() { return new Round<>(Kind.TIMED_OUT, null, false, null); }
        static <O> Round<O> cancelled() { return new Round<>(Kind.CANCELLED, null, false, null); }
    }

    /** One attempt on its own thread. Fields below the line are guarded by the round's lock. */
    private static final class Attempt<O> {
        final boolean hedge;
        final long startNanos;
        final AtomicBoolean token = new AtomicBoolean();
        volatile Thread thread;
        // ---
        boolean done;      // the work returned or threw
        boolean abandoned; // timed out or cancelled by the caller: its result no longer counts
        boolean succeeded;
        O value;
        Throwable failure;

        Attempt(boolean hedge, long startNanos) {
            this.hedge = hedge;
            this.startNanos = startNanos;
        }

        boolean running() { return !done && !abandoned; }

        void cancel() {
            abandoned = true;
            token.set(true);
            Thread t = thread;
            if (t != null) t.interrupt();
        }
    }

    private <I, O> Round<O> runOnThreads(int attempt, I input, Work<I, O> work, AttemptContexts contexts,
                                         BooleanSupplier itemCancelled) {
        ReentrantLock lock = new ReentrantLock();
        Condition changed = lock.newCondition();
        lock.lock();
        try {
            Attempt<O> primary = start(attempt, false, input, work, contexts, itemCancelled, lock, changed);
            Attempt<O> second = null;
            boolean hedgeDecided = hedge == null;
            while (true) {
                Attempt<O> winner = primary.done && primary.succeeded && !primary.abandoned ? primary
                        : second != null && second.done && second.succeeded && !second.abandoned ? second : null;
                if (winner != null) {
                    Attempt<O> loser = winner == primary ? second : primary;
                    if (loser != null && loser.running()) {
                        loser.cancel();
                        ledger.hedgeLoserCancelled();
                    }
                    if (winner.hedge) ledger.hedgeWon();
                    return Round.success(winner.value, winner.hedge);
                }
                if (itemCancelled.getAsBoolean()) return cancelAll(primary, second);
                long now = clock.getAsLong();
                if (timeoutNanos > 0) {
                    timeOutIfDue(primary, now);
                    if (second != null) timeOutIfDue(second, now);
                }
                long hedgeAt = Long.MAX_VALUE;
                if (!hedgeDecided) {
                    if (!primary.running()) {
                        hedgeDecided = true; // the primary ended before the hedge delay: no hedge this round
                    } else {
                        OptionalLong delay = hedgeDelayNanos();
                        if (delay.isPresent()) {
                            hedgeAt = primary.startNanos + delay.getAsLong();
                            if (now - hedgeAt >= 0) {
                                hedgeDecided = true;
                                if (hedgeBudget.tryWithdraw()) {
                                    ledger.hedgeSent();
                                    second = start(attempt, true, input, work, contexts, itemCancelled, lock, changed);
                                } else {
                                    ledger.hedgeDeniedByBudget();
                                }
                                continue;
                            }
                        }
                    }
                }
                if (!primary.running() && (second == null || !second.running())) {
                    Throwable cause = failureOf(primary);
                    if (cause == null && second != null) cause = failureOf(second);
                    return cause != null ? Round.failure(cause) : Round.timedOut();
                }
                long wakeAt = now + CANCEL_POLL_NANOS;
                if (timeoutNanos > 0) {
                    if (primary.running()) wakeAt = Math.min(wakeAt, primary.startNanos + timeoutNanos);
                    if (second != null && second.running()) wakeAt = Math.min(wakeAt, second.startNanos + timeoutNanos);
                }
                if (!hedgeDecided && hedgeAt != Long.MAX_VALUE) wakeAt = Math.min(wakeAt, hedgeAt);
                long wait = wakeAt - now;
                if (wait > 0) {
                    try {
                        changed.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return cancelAll(primary, second);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void timeOutIfDue(Attempt<?> a, long now) {
        if (a.running() && now - a.startNanos >= timeoutNanos) {
            a.cancel();
            ledger.timeout();
        }
    }

    private static Throwable failureOf(Attempt<?> a) {
        return a.done && !a.abandoned && !a.succeeded ? a.failure : null;
    }

    private static <O> Round<O> cancelAll(Attempt<O> primary, Attempt<O> second) {
        if (primary.running()) primary.cancel();
        if (second != null && second.running()) second.cancel();
        return Round.cancelled();
    }

    private OptionalLong hedgeDelayNanos() {
        if (hedge.fixedDelay().isPresent()) return OptionalLong.of(hedge.fixedDelay().get().toNanos());
        return latencies.percentileNanos(hedge.percentile());
    }

    /** Starts an attempt thread. Called with {@code lock} held. */
    private <I, O> Attempt<O> start(int attempt, boolean isHedge, I input, Work<I, O> work, AttemptContexts contexts,
                                    BooleanSupplier itemCancelled, ReentrantLock lock, Condition changed) {
        Attempt<O> a = new Attempt<>(isHedge, clock.getAsLong());
        WorkContext ctx = contexts.create(attempt, isHedge, () -> a.token.get() || itemCancelled.getAsBoolean());
        Thread t = Thread.ofVirtual().name("fanlab-attempt-" + attempt + (isHedge ? "-hedge" : "")).unstarted(() -> {
            try {
                O value = null;
                Throwable failure = null;
                try {
                    value = work.apply(input, ctx);
                    recordLatency(clock.getAsLong() - a.startNanos);
                } catch (Throwable e) {
                    failure = e;
                }
                lock.lock();
                try {
                    a.done = true;
                    a.succeeded = failure == null;
                    a.value = value;
                    a.failure = failure;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            } finally {
                threadEnded();
            }
        });
        a.thread = t;
        liveThreads.incrementAndGet();
        try {
            t.start();
        } catch (Throwable e) { // e.g. out of memory: the attempt fails, the item goes on
            threadEnded();
            a.done = true;
            a.failure = e;
        }
        return a;
    }

    private void threadEnded() {
        if (liveThreads.decrementAndGet() == 0) {
            liveLock.lock();
            try {
                noneLive.signalAll();
            } finally {
                liveLock.unlock();
            }
        }
    }

    private void recordLatency(long nanos) {
        if (latencies != null) latencies.record(nanos);
    }

    @Override public String toString() {
        return "AttemptRunner[timeout " + (timeoutNanos == 0 ? "none" : timeoutNanos + "ns") + ", " + retry + ", hedge "
                + (hedge == null ? "none" : hedge) + "]";
    }
}
