package io.fanlab.engine.pipeline;

import io.fanlab.engine.Work;
import io.fanlab.engine.internal.PipelineRuntime;
import io.fanlab.engine.internal.Step;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.observe.StageObserver;
import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.StageSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * An immutable, typed description of a fan-out pipeline; {@link #start} turns it into a running
 * {@link FanOutEngine}. Every method returns a new description.
 *
 * <pre>{@code
 * FanOutEngine<Order> engine = Pipeline.from(parse, parseWork)          // Order -> Parsed
 *     .then(enrich, enrichWork)                                          // Parsed -> Enriched
 *     .branch("audit", side -> side.then(audit, auditWork))              // copy to the audit exit
 *     .route(e -> e.isLarge(), big -> big.then(slow, slowWork),          // diamond: one of two paths,
 *                              small -> small.then(fast, fastWork))      //   then merged
 *     .loop(body -> body.then(check, checkWork), r -> r.retry(), r -> r.input(), 3)  // back at most 3 laps
 *     .start(listener);
 * }</pre>
 *
 * <p>A single stage is a one-stage pipeline: {@code Pipeline.from(spec, work).start(listener)}. Sub-paths given to
 * {@link #branch}, {@link #route} and {@link #loop} start empty (an empty path passes items through unchanged).
 * Stage names must be unique within a pipeline; branch exit names unique and not {@value #MAIN_EXIT}.
 *
 * <p>Threading: descriptions are immutable and may be shared; {@code start} may be called several times, each
 * call starts an independent engine.
 *
 * @param <I> the pipeline's input type
 * @param <O> the output type of its last step
 */
public final class Pipeline<I, O> {
    /** The exit name of the main path. */
    public static final String MAIN_EXIT = "main";

    private final List<Step> steps;
    private final String name;
    private final StageObserver observer;
    private final LongSupplier clock;
    private final int deadLetterCapacity;
    private final Sleeper sleeper;
    private final RandomGenerator random; // null: ThreadLocalRandom

    private Pipeline(List<Step> steps, String name, StageObserver observer, LongSupplier clock, int deadLetterCapacity,
                     Sleeper sleeper, RandomGenerator random) {
        this.sleeper = sleeper;
        this.random = random;
        this.steps = List.copyOf(steps);
        this.name = name;
        this.observer = observer;
        this.clock = clock;
        this.deadLetterCapacity = deadLetterCapacity;
    }

    /** A pipeline whose first stage is {@code spec} running {@code work}. */
    public static <I, O> Pipeline<I, O> from(StageSpec spec, Work<? super I, ? extends O> work) {
        return Pipeline.<I>empty().then(spec, work);
    }

    /** A per-key first stage: see {@link #then(StageSpec, Work, ToLongFunction)}. */
    public static <I, O> Pipeline<I, O> from(StageSpec spec, Work<? super I, ? extends O> work, ToLongFunction<? super I> key) {
        return Pipeline.<I>empty().then(spec, work, key);
    }

    /**
     * A pipeline with no step yet, for building one whose first step is a {@link #route} or a {@link #loop} (or
     * from a description walked node by node); {@link #start} fails until it has a stage.
     */
    public static <T> Pipeline<T, T> identity() { return empty(); }

    private static <T> Pipeline<T, T> empty() {
        return new Pipeline<>(List.of(), "pipeline", StageObserver.NOOP, System::nanoTime, 1024, Sleeper.SYSTEM, null);
    }

    private <X> Pipeline<I, X> with(Step step) {
        List<Step> s = new ArrayList<>(steps);
        s.add(step);
        return new Pipeline<>(s, name, observer, clock, deadLetterCapacity, sleeper, random);
    }

    /** Appends a stage. */
    public <X> Pipeline<I, X> then(StageSpec spec, Work<? super O, ? extends X> work) {
        return with(new Step.StageStep(Check.notNull("stage.spec", spec), Check.notNull("stage.work", work), null));
    }

    /**
     * Appends a stage whose items carry a key: with {@code spec.perKey()} each keyed item goes to the worker that owns
     * its key and items of one key are worked on one at a time, in admission order. A negative key means "no key"
     * (round-robin). The key function runs on the thread handing the item over; a throw fails the item.
     */
    public <X> Pipeline<I, X> then(StageSpec spec, Work<? super O, ? extends X> work, ToLongFunction<? super O> key) {
        return with(new Step.StageStep(Check.notNull("stage.spec", spec), Check.notNull("stage.work", work), Check.notNull("stage.key", key)));
    }

    /**
     * Appends a stage that reads {@code traits} from its items: a key (as {@link #then(StageSpec, Work, ToLongFunction)}),
     * a tenant for the stage's bulkhead and a weight for its rate limit. See {@link ItemTraits}.
     */
    public <X> Pipeline<I, X> then(StageSpec spec, Work<? super O, ? extends X> work, ItemTraits<? super O> traits) {
        Check.notNull("stage.traits", traits);
        return with(new Step.StageStep(Check.notNull("stage.spec", spec), Check.notNull("stage.work", work), traits.key(),
                traits.tenant(), traits.weight()));
    }

    /** A first stage reading {@code traits} from its items: see {@link #then(StageSpec, Work, ItemTraits)}. */
    public static <I, O> Pipeline<I, O> from(StageSpec spec, Work<? super I, ? extends O> work, ItemTraits<? super I> traits) {
        return Pipeline.<I>empty().then(spec, work, traits);
    }

    /**
     * Copies every item reaching this point to a side path that ends at its own exit {@code exit}; the original
     * continues here. Each path has its own stage queues (its own buffering): a slow side path holds the main path
     * back only once its first queue is full and that queue's overflow policy is BLOCK; with a dropping policy the
     * side path sheds instead.
     */
    public Pipeline<I, O> branch(String exit, Function<Pipeline<O, O>, Pipeline<O, ?>> side) {
        Check.notNull("branch.exit", exit);
        return with(new Step.BranchStep(exit, side.apply(Pipeline.<O>empty()).steps));
    }

    /** Diamond: each item takes path {@code a} when {@code predicate} holds, else path {@code b}; both merge here. */
    public <X> Pipeline<I, X> route(Predicate<? super O> predicate, Function<Pipeline<O, O>, Pipeline<O, X>> a,
                                    Function<Pipeline<O, O>, Pipeline<O, X>> b) {
        Check.notNull("route.predicate", predicate);
        return with(new Step.RouteStep(predicate, a.apply(Pipeline.<O>empty()).steps, b.apply(Pipeline.<O>empty()).steps));
    }

    /**
     * A loop back to an earlier point: items run through {@code body}; an item whose body output satisfies
     * {@code again} goes back to the body's start as {@code back(output)}, at most {@code maxLaps} times; then (or
     * when {@code again} is false) it continues here with the body's output. Entry into the loop is bounded by the
     * capacity of the body's first stage, so a loop never deadlocks on its own full queues.
     */
    public <X> Pipeline<I, X> loop(Function<Pipeline<O, O>, Pipeline<O, X>> body, Predicate<? super X> again,
                                   Function<? super X, ? extends O> back, int maxLaps) {
        Check.atLeast("loop.max_laps", maxLaps, 1);
        Objects.requireNonNull(again, "loop.again");
        Objects.requireNonNull(back, "loop.back");
        return with(new Step.LoopStep(body.apply(Pipeline.<O>empty()).steps, again, back, maxLaps));
    }

    /** Same pipeline, reporting per-item events to {@code observer}. */
    public Pipeline<I, O> observer(StageObserver observer) {
        return new Pipeline<>(steps, name, Check.notNull("pipeline.observer", observer), clock, deadLetterCapacity, sleeper, random);
    }

    /**
     * Same pipeline on another nano clock (queue deadlines, queue and service times, limit samples, token refill);
     * default {@link System#nanoTime}. Per-attempt timeouts and hedge delays always run on {@link System#nanoTime}
     * (they are real-time waits).
     */
    public Pipeline<I, O> clock(LongSupplier nanoClock) {
        return new Pipeline<>(steps, name, observer, Check.notNull("pipeline.clock", nanoClock), deadLetterCapacity, sleeper, random);
    }

    /**
     * Same pipeline waiting for rate-limit tokens through {@code sleeper}; default {@link Sleeper#SYSTEM}. With a manual
     * {@link #clock}, pass a sleeper that advances that clock, or a rate-limited stage waits in real time for tokens
     * its clock never refills.
     */
    public Pipeline<I, O> sleeper(Sleeper sleeper) {
        return new Pipeline<>(steps, name, observer, clock, deadLetterCapacity, Check.notNull("pipeline.sleeper", sleeper), random);
    }

    /**
     * Same pipeline drawing its random numbers from {@code random}: probabilistic admission's early sheds (drawn on
     * the submitting thread) and retry jitter (on workers). Default: {@link java.util.concurrent.ThreadLocalRandom},
     * each thread its own unseeded stream. {@code random} is called from several threads at once, so it must be
     * thread-safe ({@link java.util.Random} is; {@link java.util.SplittableRandom} is not). Seeded, it makes the draws
     * repeatable wherever the calls come in a repeatable order (one submitting thread, say): what a test needs.
     */
    public Pipeline<I, O> random(RandomGenerator random) {
        return new Pipeline<>(steps, name, observer, clock, deadLetterCapacity, sleeper, Check.notNull("pipeline.random", random));
    }

    /** Same pipeline keeping at most {@code capacity} dead letters (oldest dropped and counted); default 1024. */
    public Pipeline<I, O> deadLetterCapacity(int capacity) {
        return new Pipeline<>(steps, name, observer, clock, Check.atLeast("pipeline.dead_letters", capacity, 0), sleeper, random);
    }

    /** Same pipeline under another name (used in the fail-fast thread name and messages); default "pipeline". */
    public Pipeline<I, O> named(String pipelineName) {
        return new Pipeline<>(steps, Check.notNull("pipeline.name", pipelineName), observer, clock, deadLetterCapacity, sleeper, random);
    }

    /** Applies {@code f} to this description (for reusable fragments). */
    public Pipeline<I, O> apply(UnaryOperator<Pipeline<I, O>> f) { return f.apply(this); }

    /**
     * Starts every stage's workers and returns the running engine.
     * @throws IllegalArgumentException when the pipeline has no stage, or names are not unique
     */
    public FanOutEngine<I> start(TerminalListener<? super I> listener) {
        Check.notNull("pipeline.listener", listener);
        return new FanOutEngine<>(PipelineRuntime.start(name, steps, listener, observer, clock, sleeper, deadLetterCapacity, random));
    }
}
