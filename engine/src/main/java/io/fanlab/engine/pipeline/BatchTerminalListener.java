package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;

/**
 * A {@link TerminalListener} that takes completed items as runs: where a stage's workers take runs of items
 * ({@link io.fanlab.engine.spec.Dispatch.Batched Batched} dispatch) and that stage is the last of its path, a worker
 * hands the items of its run that completed to {@link #onCompletedRun} in one call when the run ends, counting them
 * once per run. The engine's work per result is then paid per run: one call, one count, no per-item bookkeeping at
 * the exit.
 *
 * <p>Contract: every item still ends exactly once per exit: either in exactly one run passed to
 * {@link #onCompletedRun} (outcome {@code COMPLETED}) or in exactly one {@link #onTerminal} call (every other
 * outcome, and completed items on paths where runs do not apply: an ordered last stage, a stage followed by a branch,
 * route or loop, per-item dispatch). A run's items share the exit name.
 *
 * <p>The trade-off: an item's completion is reported when its worker's run ends, not when its own work ends, so it
 * is delayed by the work of the items after it in the run (up to the batch size minus one). Measure per-item latency
 * with a plain {@link TerminalListener} or an observer; use this interface where throughput per item matters. If a
 * worker is abandoned by a cancel (its item never returns), the items of its run that had completed are reported by
 * the cancelling thread, one {@link #onTerminal} call each with {@code COMPLETED}.
 *
 * <p>Threading: as {@link TerminalListener}: called on worker threads, concurrently; an exception thrown here is
 * caught and counted (once per run), never propagated, and the run's items stay counted as completed.
 *
 * @param <I> the pipeline's input type
 */
public interface BatchTerminalListener<I> extends TerminalListener<I> {
    /**
     * @param exit the exit name shared by the run's items
     * @param run  the items and their results; valid during this call only (see {@link CompletedRun})
     */
    void onCompletedRun(String exit, CompletedRun<I> run);

    /**
     * Per item, as {@link TerminalListener#onTerminal}: outcomes other than {@code COMPLETED}, and completed items
     * outside runs (see the class notes).
     */
    @Override
    void onTerminal(String exit, I item, Outcome outcome, Object result, Throwable cause);
}
