package io.fanlab.engine.pipeline;

/**
 * A run of items that completed one after another on one worker and leave the pipeline together, as a
 * {@link BatchTerminalListener} sees them: {@code size()} items, each with its result, in the order the worker
 * finished them.
 *
 * <p>Valid only during the {@link BatchTerminalListener#onCompletedRun} call that received it: the engine reuses the
 * object (and what backs it) for the worker's next run, so a listener that keeps items copies them out. Read it on
 * the calling thread only.
 *
 * @param <I> the pipeline's input type
 */
public interface CompletedRun<I> {
    /** Items in the run, at least 1. */
    int size();

    /**
     * @param i {@code 0 <= i < size()}
     * @return the i-th item as submitted to the pipeline
     */
    I item(int i);

    /**
     * @param i {@code 0 <= i < size()}
     * @return the output of the path's last stage for the i-th item
     */
    Object result(int i);
}
