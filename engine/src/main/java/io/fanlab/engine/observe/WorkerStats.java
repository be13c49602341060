package io.fanlab.engine.observe;

/**
 * Counters of one worker of a stage. A hot key in a per-key stage shows as one worker with most of the items and
 * busy time near the elapsed time.
 *
 * @param index     worker index in [0, width)
 * @param items     items this worker took (processed, shed at dequeue or cancelled), since it started
 * @param busyNanos nanoseconds since the worker started (until it ended) not spent waiting for items: taking,
 *                  processing and handing them on; the clock is read only when the worker waits
 */
public record WorkerStats(int index, long items, long busyNanos) {
    public WorkerStats {
        if (index < 0) throw new IllegalArgumentException("worker.index: " + index + " (expected: >= 0)");
    }
}
