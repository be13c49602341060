package io.fanlab.engine;

/**
 * The work a stage does with one item. Called on a worker thread (or, with a timeout or hedging, on a virtual
 * thread per attempt); may be called concurrently for different items and, with retries and hedges, several times
 * for the same item. Throwing fails the attempt. Blocking work should answer interruption; long CPU work should
 * poll {@link WorkContext#isCancelled()}.
 */
@FunctionalInterface
public interface Work<I, O> {
    O apply(I input, WorkContext context) throws Exception;
}
