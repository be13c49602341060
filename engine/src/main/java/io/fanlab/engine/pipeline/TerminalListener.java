package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;

/**
 * Called exactly once per item per pipeline exit, when the item's path ends.
 *
 * <p>A pipeline has a main exit ({@link Pipeline#MAIN_EXIT}) and one exit per {@link Pipeline#branch branch}. An item
 * that passes a branch point is copied: the original continues on the main path, the copy on the branch, and each
 * ends exactly once at its own exit (so an item that passed one branch point produces two calls). An item that
 * fails, is shed, times out or is cancelled on a path ends there, with that path's exit name. A diamond
 * ({@link Pipeline#route route}) and a loop keep one path: one call.
 *
 * <p>Threading: called on worker threads (and on the producer thread for items shed at admission, on the
 * cancelling thread for items cancelled by {@code cancel}), concurrently; must be thread-safe and should be fast,
 * since it runs on the hot path. An exception thrown here is caught and counted, never propagated.
 *
 * @param <I> the pipeline's input type
 */
@FunctionalInterface
public interface TerminalListener<I> {
    /**
     * @param exit    the exit name of the item's path
     * @param item    the item as submitted to the pipeline
     * @param outcome its terminal outcome
     * @param result  the output of the path's last stage when {@code COMPLETED}, otherwise null
     * @param cause   the failure when {@code FAILED} or {@code DEAD_LETTERED}, otherwise null
     */
    void onTerminal(String exit, I item, Outcome outcome, Object result, Throwable cause);

    /** Ignores every call. */
    static <I> TerminalListener<I> ignore() { return (exit, item, outcome, result, cause) -> {}; }
}
