/**
 * Timeouts, retries and hedging for one item, and the budgets and windows they share across a stage.
 *
 * <p>{@link io.fanlab.engine.resilience.AttemptRunner} runs one item's attempts and returns an
 * {@link io.fanlab.engine.resilience.AttemptOutcome}; the stage supplies each attempt's
 * {@link io.fanlab.engine.WorkContext} through {@link io.fanlab.engine.resilience.AttemptContexts}. Its parts are
 * usable alone: {@link io.fanlab.engine.resilience.Backoff} (pure delay arithmetic),
 * {@link io.fanlab.engine.resilience.RetryBudget} (extra attempts as a share of first attempts, for retries and
 * hedges), {@link io.fanlab.engine.resilience.LatencyWindow} (a live percentile of recent latencies) and
 * {@link io.fanlab.engine.resilience.AttemptLedger} (counters).
 *
 * <p>Threading: every public class is thread-safe and one instance of each serves a whole stage. Attempts that need
 * a timeout or a hedge run on new virtual threads (never pooled); the caller waits on a
 * {@link java.util.concurrent.locks.Condition}, never in {@code synchronized}. Hedge delays and timeouts are
 * deadlines on an {@link io.fanlab.engine.resilience.AttemptTimer} ({@link io.fanlab.engine.resilience.PreciseTimer}:
 * one thread per engine), not sleeping threads; attempts take the stage's concurrency limit per attempt through
 * {@link io.fanlab.engine.resilience.AttemptPermits}. An attempt that ignores cancellation
 * is abandoned, not waited for, and stays visible in
 * {@link io.fanlab.engine.resilience.AttemptRunner#liveAttemptThreads()} until it ends. Time comes from a nano clock
 * and a {@link io.fanlab.engine.limit.Sleeper} passed in; units are nanoseconds.
 */
package io.fanlab.engine.resilience;
