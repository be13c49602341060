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
 *       while the caller waits on a {@link Condition}. No thread sleeps to time an attempt: hedge delays and
 *       timeouts are deadlines on the {@link AttemptTimer} (one per engine, see {@link PreciseTimer}), whose thread
 *       starts the hedge or times the attempt out and signals the caller; a deadline whose attempt or round ended
 *       first is cancelled (removed from the timer).</li>
 *   <li><b>Timeout.</b> When an attempt has run {@code timeout}, the timer sets its token and interrupts its thread;
 *       it counts as dropped ({@code timeouts}) and its late result is ignored. If it was the last live attempt of
 *       the round, the round timed out.</li>
 *   <li><b>Retry.</b> After a failed or timed-out round, if attempts remain ({@code maxAttempts}) and the retry
 *       budget gives a token, the caller sleeps {@link Backoff#delayNanos} (through the {@link Sleeper}, with
 *       {@code random.nextDouble()} as jitter) and starts the next attempt; otherwise the item ends
 *       {@link AttemptOutcome.Failure} (cause: the round's first exception) or {@link AttemptOutcome.TimedOut}.
 *       Every {@code run} deposits into the retry and hedge budgets once (its first attempt).</li>
 *   <li><b>Hedge.</b> At most one hedge per round: when the primary is still running after the fixed delay (or the
 *       {@link LatencyWindow} percentile of recent successful attempt latencies, read when the primary starts; no
 *       hedge until the window has enough samples), a permit of the concurrency limit is free at once and the hedge
 *       budget gives a token, the timer thread starts a second attempt with {@code hedge = true}. How late it
 *       started (its work's first instant minus primary start + delay) is recorded in the ledger's
 *       {@code hedgeFireLag}. The first success wins; the other attempt is cancelled (token and interrupt) and
 *       counted in {@code hedgeLosersCancelled}. A round fails only when both attempts failed or timed out.</li>
 *   <li><b>Limit.</b> Every attempt holds a permit of {@link AttemptPermits} while its work runs: first attempts
 *       and retries wait for one, a hedge is not sent without a free one ({@code hedgesDeniedByLimit}). So the
 *       stage's attempts in flight never exceed its limit, hedges and retries included.</li>
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
 * <p>Time: deadlines and hedge delays are computed on the given nano clock, which must be the timer's clock
 * ({@code System::nanoTime} for a {@link PreciseTimer}). Backoff waits go through the {@link Sleeper}, so the
 * inline path is fully deterministic under a manual clock and fake sleeper.
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
    private final AttemptTimer timer;
    private final AttemptPermits permits;
    private final AtomicInteger liveThreads = new AtomicInteger();
    private final ReentrantLock liveLock = new ReentrantLock();
    private final Condition noneLive = liveLock.newCondition();

    /**
     * A runner with a timer of its own (a {@link PreciseTimer} whose thread ends when idle) and no concurrency
     * limit; {@code nanoClock} must be {@link System#nanoTime} when there is a timeout or a hedge.
     */
    public AttemptRunner(Optional<Duration> timeout, RetryPolicy retry, Optional<HedgePolicy> hedge,
                         LongSupplier nanoClock, Sleeper sleeper, RandomGenerator random, AttemptLedger ledger) {
        this(timeout, retry, hedge, nanoClock, sleeper, random, ledger,
                new PreciseTimer("fanlab-attempt-timer"), AttemptPermits.UNLIMITED);
    }

    /**
     * @param nanoClock the clock attempts are timed on; must be {@code timer}'s clock ({@link AttemptTimer#nanoTime})
     * @param timer     fires hedges and timeouts (shared by the stages of an engine, which shuts it down)
     * @param permits   the stage's concurrency limit, taken per attempt
     */
    public AttemptRunner(Optional<Duration> timeout, RetryPolicy retry, Optional<HedgePolicy> hedge,
                         LongSupplier nanoClock, Sleeper sleeper, RandomGenerator random, AttemptLedger ledger,
                         AttemptTimer timer, AttemptPermits permits) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.permits = Objects.requireNonNull(permits, "permits");
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
        this.hedgeBudget = this.hedge == null ? null : hedgeBudget(this.hedge.budget());
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

    /** Most first attempts whose hedge-budget deposits a hedge budget keeps (see {@link #hedgeBudget}). */
    public static final int HEDGE_BUDGET_WINDOW = 1000;

    /**
     * The hedge budget of a ratio: a {@link RetryBudget} whose cap is the share of the last
     * {@value #HEDGE_BUDGET_WINDOW} first attempts (at least {@link RetryBudget#MIN_CAP}), ten times a retry budget's.
     * Slow responses come in bursts (a stalled downstream, a GC pause, a busy machine), and a burst is what hedges
     * are for: with a retry budget's cap of 100 x ratio, a hedge policy at p95 with a 5% budget saved at most 10
     * tokens, so a burst of 11 slow primaries left the 11th unhedged, and an unhedged slow item is a tail item. The
     * long-run share is unchanged: hedges stay at most {@code ratio} x first attempts plus the cap.
     */
    static RetryBudget hedgeBudget(double ratio) {
        return new RetryBudget(ratio, ratio == 0 ? 0 : Math.max(RetryBudget.MIN_CAP, HEDGE_BUDGET_WINDOW * ratio));
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
        long stamp;
        try {
            stamp = permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Round.cancelled();
        }
        WorkContext ctx = contexts.create(attempt, false, itemCancelled);
        long start = clock.getAsLong();
        try {
            O value = work.apply(input, ctx);
            recordLatency(clock.getAsLong() - start);
            permits.release(stamp, AttemptPermits.End.SUCCEEDED, null);
            return Round.success(value, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            permits.release(stamp, AttemptPermits.End.CANCELLED, null);
            return Round.cancelled();
        } catch (Throwable t) {
            permits.release(stamp, AttemptPermits.End.FAILED, t);
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

    /**
     * One round on threads: the primary attempt and at most one hedge, the caller waiting for them, and the timer
     * tasks that start the hedge and time attempts out. Fields are guarded by {@code lock}.
     */
    private final class Race<I, O> {
        final int attempt;
        final I input;
        final Work<I, O> work;
        final AttemptContexts contexts;
        final BooleanSupplier itemCancelled;
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        Attempt<O> primary;
        Attempt<O> second;
        boolean hedgeDecided;    // sent, denied, or not to be sent this round
        long hedgeAt;            // intended hedge start on the clock, when scheduled
        AttemptTimer.Timeout hedgeTimer;
        boolean over;            // the caller returned: timer tasks do nothing

        Race(int attempt, I input, Work<I, O> work, AttemptContexts contexts, BooleanSupplier itemCancelled) {
            this.attempt = attempt;
            this.input = input;
            this.work = work;
            this.contexts = contexts;
            this.itemCancelled = itemCancelled;
        }

        /** Timer task: start the hedge if the primary still runs and the budget and the limit allow it. */
        void fireHedge() {
            lock.lock();
            try {
                if (over || hedgeDecided) return;
                hedgeDecided = true;
                ledger.hedgeTimerFired(clock.getAsLong() - hedgeAt);
                hedgeTimer = null;
                if (!primary.running()) return;
                long stamp = permits.tryAcquire();
                if (stamp == AttemptPermits.NONE_FREE) {
                    ledger.hedgeDeniedByLimit();
                    return;
                }
                if (!hedgeBudget.tryWithdraw()) {
                    permits.release(stamp, AttemptPermits.End.NOT_STARTED, null);
                    ledger.hedgeDeniedByBudget();
                    return;
                }
                ledger.hedgeSent();
                second = start(this, true, stamp, hedgeAt);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Timer task: {@code a} has run {@code timeout}. */
        void fireTimeout(Attempt<O> a) {
            lock.lock();
            try {
                a.timeout = null;
                if (!a.running()) return;
                a.timedOut = true;
                a.cancel();
                ledger.timeout();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Ends the round (caller, under the lock): no timer task may act on it any more. */
        void end() {
            over = true;
            if (hedgeTimer != null) {
                hedgeTimer.cancel();
                hedgeTimer = null;
            }
        }
    }

    /** One attempt on its own thread. Fields below the line are guarded by the round's lock. */
    private static final class Attempt<O> {
        final boolean hedge;
        final long startNanos;
        final long permitStamp;
        final AtomicBoolean token = new AtomicBoolean();
        volatile Thread thread;
        // ---
        AttemptTimer.Timeout timeout; // pending timeout task, or null
        boolean done;      // the work returned or threw
        boolean abandoned; // timed out or cancelled: its result no longer counts
        boolean timedOut;
        boolean succeeded;
        O value;
        Throwable failure;

        Attempt(boolean hedge, long startNanos, long permitStamp) {
            this.hedge = hedge;
            this.startNanos = startNanos;
            this.permitStamp = permitStamp;
        }

        boolean running() { return !done && !abandoned; }

        void cancel() {
            abandoned = true;
            token.set(true);
            if (timeout != null) {
                timeout.cancel();
                timeout = null;
            }
            Thread t = thread;
            if (t != null) t.interrupt();
        }
    }

    private <I, O> Round<O> runOnThreads(int attempt, I input, Work<I, O> work, AttemptContexts contexts,
                                         BooleanSupplier itemCancelled) {
        long stamp;
        try {
            stamp = permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Round.cancelled();
        }
        Race<I, O> race = new Race<>(attempt, input, work, contexts, itemCancelled);
        ReentrantLock lock = race.lock;
        lock.lock();
        try {
            Attempt<O> primary = start(race, false, stamp, 0);
            race.primary = primary;
            race.hedgeDecided = hedge == null;
            if (!race.hedgeDecided && primary.running()) {
                OptionalLong delay = hedgeDelayNanos();
                if (delay.isPresent()) {
                    race.hedgeAt = primary.startNanos + delay.getAsLong();
                    race.hedgeTimer = timer.schedule(race.hedgeAt, race::fireHedge);
                } else {
                    race.hedgeDecided = true; // no percentile yet: no hedge this round
                }
            }
            while (true) {
                Attempt<O> second = race.second;
                Attempt<O> winner = primary.done && primary.succeeded && !primary.abandoned ? primary
                        : second != null && second.done && second.succeeded && !second.abandoned ? second : null;
                if (winner != null) {
                    race.end();
                    Attempt<O> loser = winner == primary ? second : primary;
                    if (loser != null && loser.running()) {
                        loser.cancel();
                        ledger.hedgeLoserCancelled();
                    }
                    if (winner.hedge) ledger.hedgeWon();
                    return Round.success(winner.value, winner.hedge);
                }
                if (itemCancelled.getAsBoolean()) return cancelAll(race);
                if (!primary.running() && (second == null || !second.running())) {
                    race.end(); // the primary ended before the hedge delay: no hedge this round
                    Throwable cause = failureOf(primary);
                    if (cause == null && second != null) cause = failureOf(second);
                    return cause != null ? Round.failure(cause) : Round.timedOut();
                }
                try {
                    race.changed.awaitNanos(CANCEL_POLL_NANOS); // timer tasks and attempt ends signal; this polls cancel
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return cancelAll(race);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static Throwable failureOf(Attempt<?> a) {
        return a.done && !a.abandoned && !a.succeeded ? a.failure : null;
    }

    private static <O> Round<O> cancelAll(Race<?, O> race) {
        race.end();
        if (race.primary.running()) race.primary.cancel();
        if (race.second != null && race.second.running()) race.second.cancel();
        return Round.cancelled();
    }

    private OptionalLong hedgeDelayNanos() {
        if (hedge.fixedDelay().isPresent()) return OptionalLong.of(hedge.fixedDelay().get().toNanos());
        return latencies.percentileNanos(hedge.percentile());
    }

    /**
     * Starts an attempt thread holding a permit taken at {@code stamp}, and schedules its timeout. Called with the
     * round's lock held, by the caller (primary) or the timer thread (hedge).
     *
     * @param intendedNanos for a hedge, the instant it should have started (its firing error is measured from it)
     */
    private <I, O> Attempt<O> start(Race<I, O> race, boolean isHedge, long stamp, long intendedNanos) {
        Attempt<O> a = new Attempt<>(isHedge, clock.getAsLong(), stamp);
        BooleanSupplier itemCancelled = race.itemCancelled;
        WorkContext ctx = race.contexts.create(race.attempt, isHedge, () -> a.token.get() || itemCancelled.getAsBoolean());
        I input = race.input;
        Work<I, O> work = race.work;
        ReentrantLock lock = race.lock;
        Thread t = Thread.ofVirtual().name("fanlab-attempt-" + race.attempt + (isHedge ? "-hedge" : "")).unstarted(() -> {
            try {
                if (isHedge) ledger.hedgeFired(clock.getAsLong() - intendedNanos);
                O value = null;
                Throwable failure = null;
                try {
                    value = work.apply(input, ctx);
                    recordLatency(clock.getAsLong() - a.startNanos);
                } catch (Throwable e) {
                    failure = e;
                }
                AttemptPermits.End end;
                lock.lock();
                try {
                    a.done = true;
                    a.succeeded = failure == null;
                    a.value = value;
                    a.failure = failure;
                    if (a.timeout != null) {
                        a.timeout.cancel();
                        a.timeout = null;
                    }
                    end = a.timedOut ? AttemptPermits.End.TIMED_OUT
                            : a.abandoned ? AttemptPermits.End.CANCELLED
                            : failure == null ? AttemptPermits.End.SUCCEEDED : AttemptPermits.End.FAILED;
                    race.changed.signalAll();
                } finally {
                    lock.unlock();
                }
                permits.release(a.permitStamp, end, failure); // the work really returned: the permit is free
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
            permits.release(stamp, AttemptPermits.End.NOT_STARTED, null);
            return a;
        }
        if (timeoutNanos > 0) a.timeout = timer.schedule(a.startNanos + timeoutNanos, () -> race.fireTimeout(a));
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
