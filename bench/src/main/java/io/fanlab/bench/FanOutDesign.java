package io.fanlab.bench;

/**
 * A running fan-out of width N: items pushed in are worked on by N workers, and each completed item is reported once
 * to the {@link CompletionGate} the design was built with (a failed item is reported with {@code gate.fail}).
 *
 * <p>Threading: {@link #push} is called by one thread (the JMH benchmark thread) and may block while the design's
 * bounded input is full; {@link #close} is called once, after the last push's items completed, and ends every thread
 * the design started.
 */
public interface FanOutDesign extends AutoCloseable {
    /** Hands every item to the workers; returns when all are handed over (not necessarily done). */
    void push(Integer[] items) throws Exception;

    @Override
    void close() throws Exception;
}
