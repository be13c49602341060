package io.fanlab.engine.internal;

import io.fanlab.engine.pipeline.CompletedRun;

/**
 * The items a worker of a path's last stage completed in its current run, held for the pipeline's exit until the
 * run ends, so that they leave as one run ({@link io.fanlab.engine.pipeline.BatchTerminalListener}). Owner-only
 * (the worker); who may report them (the worker, or a cancel that gave up on it) is decided by the worker's run
 * claim (see {@code StageRuntime.Worker}), not here.
 *
 * <p>Also the {@link CompletedRun} view the listener gets: a segment {@code [from, from + size)} of the held items.
 */
final class ExitRun implements CompletedRun<Object> {
    private final Envelope[] items;
    /** Each held item's index in the worker's hand. */
    private final int[] handIndex;
    private int count;

    // the view's segment, set before each listener call
    private int from;
    private int size;

    /** @param batch the most items a worker takes per run */
    ExitRun(int batch) {
        this.items = new Envelope[batch];
        this.handIndex = new int[batch];
    }

    /** One more completed item, at {@code index} in the worker's hand. */
    void add(Envelope e, int index) {
        items[count] = e;
        handIndex[count++] = index;
    }

    int count() { return count; }

    Envelope at(int j) { return items[j]; }

    int handIndex(int j) { return handIndex[j]; }

    /** Forgets the held items (after they were reported). */
    void clear() {
        java.util.Arrays.fill(items, 0, count, null);
        count = 0;
    }

    /** Sets the view to held items {@code [start, start + length)} before a listener call. */
    void view(int start, int length) {
        this.from = start;
        this.size = length;
    }

    @Override public int size() { return size; }

    @Override
    public Object item(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("run item " + i + " (expected: 0 <= i < " + size + ")");
        return items[from + i].origin;
    }

    @Override
    public Object result(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("run result " + i + " (expected: 0 <= i < " + size + ")");
        return items[from + i].value;
    }
}
