package io.fanlab.engine.pipeline;

import io.fanlab.engine.internal.PipelineRuntime;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;

import java.time.Duration;
import java.util.List;

/**
 * A running pipeline. Items go in with {@link #submit}; each ends exactly once per exit at the
 * {@link TerminalListener} given to {@link Pipeline#start}.
 *
 * <p>Lifecycle: RUNNING, then either {@link #close(Duration)} (drain what was admitted, then stop) or
 * {@link #cancel(Duration)} (stop promptly). A FAIL_FAST stage error moves the engine to FAILED and cancels it on a
 * separate thread; close or cancel then collect the report. Once close or cancel has begun, {@code submit} and
 * {@code setWidth} throw {@link IllegalStateException}. Close and cancel may be called several times: the first
 * call does the work, later ones return its report.
 *
 * <p>Threading: every method may be called from any thread, concurrently. {@code submit} may block (a full first
 * queue under the BLOCK policy, or a full reorder window); stats and tallies never block for long.
 *
 * @param <I> the pipeline's input type
 */
public final class FanOutEngine<I> implements AutoCloseable {
    /** Deadline of {@link #close()}. */
    public static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(30);

    private final PipelineRuntime runtime;

    FanOutEngine(PipelineRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Offers an item to the first stage, under its admission policy: blocks while the first queue is full (BLOCK) or
     * the reorder window is full; a shed item ends SHED at the listener before this returns.
     *
     * @throws IllegalStateException when the engine is not RUNNING (also when close begins while this call waits;
     *                               the item is then not admitted)
     * @throws InterruptedException  when interrupted while waiting; the item is not admitted
     */
    public void submit(I item) throws InterruptedException {
        runtime.submit(item, null);
    }

    /**
     * As {@link #submit(Object)}, with a token that cancels this item alone (see {@link CancelToken}).
     *
     * @throws IllegalStateException when the engine is not RUNNING, or the token was given with another item
     * @throws InterruptedException  when interrupted while waiting; the item is not admitted
     */
    public void submit(I item, CancelToken token) throws InterruptedException {
        runtime.submit(item, java.util.Objects.requireNonNull(token, "token").cancellation());
    }

    /**
     * Offers several items in order, as {@link #submit} would one by one, but claiming a whole run of free slots
     * at once (one CAS, two counter updates, one wake-up check per run) when the first stage has a single queue
     * (shared or batched dispatch), BLOCK overflow and no key; ordered stages take the run's sequences in the same
     * claim. Otherwise item by item. The producer side of batching.
     *
     * @return how many items were admitted: all of them, unless close or cancel began during the call (the rest
     *         were not admitted)
     * @throws IllegalStateException when the engine is not RUNNING at the call
     * @throws InterruptedException  when interrupted while waiting; items before the wait were admitted
     */
    public int submitAll(List<? extends I> items) throws InterruptedException {
        return runtime.submitAll(items);
    }

    /** Workers that died of an unexpected throwable (their items ended FAILED), as "stage: throwable"; normally empty. */
    public List<String> workerFailures() { return runtime.workerDeaths(); }

    /**
     * Changes a stage's number of workers while running, without losing or duplicating an item. A per-key stage
     * pauses (its workers stop taking items until the items in service finish) to move keys to their new owners;
     * other stages do not pause. Blocks for that pause only (if an item in service never ends, until cancel).
     * Worker threads are new threads (never reused); a retired worker ends after the item it holds.
     *
     * @throws IllegalArgumentException for an unknown stage or a width below 1
     * @throws IllegalStateException    when the engine is not RUNNING
     */
    public void setWidth(String stage, int width) {
        runtime.setWidth(stage, width);
    }

    /**
     * Stops taking input and lets everything admitted finish, for up to {@code deadline}; then every engine thread
     * ends. If items are still in flight at the deadline, the rest is cancelled as by {@link #cancel} with a 200 ms
     * bound, so this returns within about {@code deadline + 200 ms} even when work hangs.
     */
    public ShutdownReport close(Duration deadline) {
        return runtime.close(deadline);
    }

    /** {@code close(DEFAULT_CLOSE_DEADLINE)}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_DEADLINE);
    }

    /**
     * Stops promptly: queued and reorder-buffered items end CANCELLED; items in service get their token set and
     * their thread interrupted and end CANCELLED. Returns within about {@code bound} even when work ignores both:
     * such items are counted CANCELLED once, listed in the report as stuck, and their late results ignored; their
     * threads are the only engine threads left alive.
     */
    public ShutdownReport cancel(Duration bound) {
        return runtime.cancel(bound);
    }

    /** The pipeline tally (admitted counts submissions plus branch copies); always adds up. */
    public Tally tally() { return runtime.tally(); }

    /** A snapshot of every stage, in creation order (the first stage first). */
    public List<StageStats> stages() { return runtime.stats(); }

    /** A snapshot of one stage. */
    public StageStats stage(String name) { return runtime.stats(name); }

    /** Items kept by DEAD_LETTER stages, oldest first (bounded; see {@link Pipeline#deadLetterCapacity}). */
    public List<DeadLetter> deadLetters() { return runtime.deadLetters(); }

    /** Dead letters dropped because the store was full. */
    public long droppedDeadLetters() { return runtime.droppedDeadLetters(); }

    /** Exceptions thrown by the terminal listener (caught and counted). */
    public long listenerErrors() { return runtime.listenerErrors(); }

    /** Lifecycle state (see {@link EngineState}). */
    public EngineState state() { return EngineState.valueOf(runtime.state().name()); }

    /** Engine threads still alive (workers, including virtual ones, and the fail-fast canceller). */
    public List<Thread> liveThreads() { return runtime.liveThreads(); }
}
