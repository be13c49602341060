package io.fanlab.engine.internal;

import io.fanlab.engine.Work;
import io.fanlab.engine.WorkContext;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.pipeline.StuckItem;
import io.fanlab.engine.resilience.AttemptLedger;
import io.fanlab.engine.resilience.AttemptOutcome;
import io.fanlab.engine.resilience.AttemptPermits;
import io.fanlab.engine.resilience.AttemptRunner;
import io.fanlab.engine.resilience.AttemptTimer;
import io.fanlab.engine.resilience.PreciseTimer;
import io.fanlab.engine.spec.StageSpec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Runs an item's attempts through the stage's {@link AttemptRunner}: per-attempt timeout, retries with backoff and
 * budget, hedging. Used when the spec has a timeout, {@code retry.maxAttempts > 1} or a hedge policy; otherwise the
 * stage keeps the {@link InlineItemInvoker} fast path.
 *
 * <p>Mapping: {@code Success} -> COMPLETED, {@code Failure} -> FAILED (the stage applies its error policy),
 * {@code TimedOut} -> TIMED_OUT, {@code Cancelled} -> CANCELLED. {@code Invocation.retries} is attempts - 1,
 * {@code Invocation.hedges} the hedged attempts this item started, {@code hedgeWon} whether a hedge's result won.
 *
 * <p>Limit: every attempt (first, retry, hedge) holds a permit of the stage's concurrency limit while its work runs
 * ({@link AttemptPermits}, from {@link StartGate#attemptPermits}), so hedges and retries cannot take a downstream
 * past the limit.
 *
 * <p>Threads: hedge delays and timeouts are deadlines on the engine's shared {@link AttemptTimer}; no thread sleeps
 * per attempt. With a timeout or a hedge each attempt runs on a new virtual thread, renamed
 * {@code fanlab-<stage>-attempt-<n>[-hedge]} while it runs the work and registered here with its item, so an
 * attempt that ignores interruption after a cancel is visible ({@link #liveAttemptThreads()}, {@link #stuck}) until it
 * really ends. With retries only, attempts run inline on the worker (no thread per attempt).
 *
 * <p>Time: the runner measures timeouts and hedge delays on {@link System#nanoTime} (its waits are real-time
 * condition waits), whatever clock the pipeline uses for its own stamps; backoff sleeps use {@link Sleeper#SYSTEM}.
 */
final class AttemptItemInvoker implements ItemInvoker {
    private final String stage;
    private final Work<Object, Object> work;
    private final Work<Object, Object> tracked;
    private final AttemptRunner runner;
    /** Whether attempts run on their own threads (a timeout or a hedge); else inline on the worker. */
    private final boolean threaded;
    /** Attempt threads running work now, with their item (threaded path only). */
    private final ConcurrentHashMap<Thread, Running> running = new ConcurrentHashMap<>();

    private record Running(long sequence, Object input) {}

    AttemptItemInvoker(StageSpec spec, Work<Object, Object> work, java.util.random.RandomGenerator random) {
        this(spec, work, random, AttemptPermits.UNLIMITED, null);
    }

    /**
     * @param random  the jitter source of retries
     * @param permits the stage's concurrency limit, taken per attempt
     * @param timer   the engine's timer (clock {@link System#nanoTime}), or null for one of the runner's own
     */
    AttemptItemInvoker(StageSpec spec, Work<Object, Object> work, java.util.random.RandomGenerator random,
                       AttemptPermits permits, AttemptTimer timer) {
        this.stage = spec.name();
        this.work = work;
        this.runner = new AttemptRunner(spec.timeout(), spec.retry(), spec.hedge(), System::nanoTime, Sleeper.SYSTEM,
                random, new AttemptLedger(),
                timer != null ? timer : new PreciseTimer("fanlab-" + spec.name() + "-timer"), permits);
        this.threaded = spec.timeout().isPresent() || spec.hedge().isPresent();
        this.tracked = (input, ctx) -> {
            Thread me = Thread.currentThread();
            me.setName("fanlab-" + stage + "-attempt-" + ctx.attempt() + (ctx.isHedge() ? "-hedge" : ""));
            running.put(me, new Running(ctx.sequence(), input));
            try {
                return work.apply(input, ctx);
            } finally {
                running.remove(me);
            }
        };
    }

    static boolean needed(StageSpec spec) {
        return spec.timeout().isPresent() || spec.retry().maxAttempts() > 1 || spec.hedge().isPresent();
    }

    @Override
    public void invoke(Object input, ItemContext context, Invocation into) {
        int worker = context.worker();
        long sequence = context.sequence();
        AttemptOutcome<Object> out;
        try {
            out = runner.run(input, threaded ? tracked : work, (attempt, hedge, cancelled) -> {
                if (hedge) into.hedges++;
                return new AttemptContext(attempt, hedge, cancelled, worker, sequence);
            }, context);
        } catch (InterruptedException e) { // not thrown by the runner; kept as a safe mapping
            Thread.currentThread().interrupt();
            into.cancelled();
            return;
        } catch (Throwable t) { // a runner bug must not kill the worker: the item fails
            into.failed(t);
            return;
        }
        into.attempts = out.attempts();
        into.retries = Math.max(0, out.attempts() - 1);
        switch (out) {
            case AttemptOutcome.Success<Object> s -> {
                into.completed(s.value());
                into.hedgeWon = s.hedgeWon();
            }
            case AttemptOutcome.Failure<Object> f -> into.failed(f.cause());
            case AttemptOutcome.TimedOut<Object> t -> into.timedOut();
            case AttemptOutcome.Cancelled<Object> c -> into.cancelled();
        }
    }

    @Override public int liveAttemptThreads() { return runner.liveAttemptThreads(); }

    @Override public AttemptLedger.Snapshot ledger() { return runner.ledger().snapshot(); }

    @Override
    public boolean awaitAttemptThreads(long deadlineNanos) throws InterruptedException {
        return runner.awaitAttemptThreads(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    @Override
    public List<Thread> attemptThreads() {
        return running.keySet().stream().filter(Thread::isAlive).toList();
    }

    @Override
    public void stuck(List<StuckItem> out) {
        running.forEach((t, r) -> {
            if (StageRuntime.alive(t)) out.add(new StuckItem(stage, r.sequence(), r.input(), t.getName()));
        });
    }

    /** The context of one attempt: its number, hedge flag and token; worker and sequence of the item. */
    private record AttemptContext(int attempt, boolean isHedge, BooleanSupplier token, int worker, long sequence)
            implements WorkContext {
        @Override public boolean isCancelled() { return token.getAsBoolean(); }
    }
}
