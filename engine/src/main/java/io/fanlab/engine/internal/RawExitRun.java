package io.fanlab.engine.internal;

import io.fanlab.engine.pipeline.CompletedRun;

/**
 * The completed items of a worker's current {@link RawRun}, held for the pipeline's exit until the run ends, and the
 * {@link CompletedRun} view the listener gets of them: item {@code i} is the run's item at {@code index[i]}, its
 * result {@code results[i]}. Owner-only (the worker); who may report them is decided by the worker's run claim, as
 * for {@link ExitRun}.
 */
final class RawExitRun implements CompletedRun<Object> {
    private final Object[] results;
    private final int[] index;
    private RawRun run;
    private int size;

    /** @param batch the most items a worker takes per run */
    RawExitRun(int batch) {
        this.results = new Object[batch];
        this.index = new int[batch];
    }

    void start(RawRun r) { run = r; }

    /** The run's item {@code j} completed with {@code result}. */
    void add(int j, Object result) {
        results[size] = result;
        index[size++] = j;
    }

    int count() { return size; }

    int indexAt(int i) { return index[i]; }

    Object resultAt(int i) { return results[i]; }

    /** Forgets the held results (after they were reported). */
    void clear() {
        java.util.Arrays.fill(results, 0, size, null);
        size = 0;
        run = null;
    }

    @Override public int size() { return size; }

    @Override
    public Object item(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("run item " + i + " (expected: 0 <= i < " + size + ")");
        return run.items[run.from + index[i]];
    }

    @Override
    public Object result(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("run result " + i + " (expected: 0 <= i < " + size + ")");
        return results[i];
    }
}
