package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.observe.StageObserver;
import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.observe.Tally;
import io.fanlab.engine.pipeline.DeadLetter;
import io.fanlab.engine.pipeline.ShutdownReport;
import io.fanlab.engine.pipeline.StuckItem;
import io.fanlab.engine.pipeline.TerminalListener;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A running pipeline: the compiled graph of stages and nodes, the pipeline tally, the lifecycle state machine
 * and shutdown.
 *
 * <p>Lifecycle: {@code RUNNING -> DRAINING -> STOPPED} (close), {@code RUNNING|DRAINING -> CANCELLING -> STOPPED}
 * (cancel, or close past its deadline), {@code RUNNING|DRAINING -> FAILED} (a fail-fast error: a separate thread
 * cancels the pipeline) {@code -> STOPPED} (close or cancel collects the report). Transitions are CAS on one
 * reference; shutdown calls are serialised by a lock, a second one returns the first report.
 */
public final class PipelineRuntime {
    public enum State { RUNNING, DRAINING, CANCELLING, FAILED, STOPPED }

    /** Extra time close gives the cancel it falls back to when the drain deadline passes. */
    static final Duration CLOSE_CANCEL_GRACE = Duration.ofMillis(200);
    /** Bound of the cancel a fail-fast error starts. */
    static final Duration FAIL_FAST_CANCEL_BOUND = Duration.ofSeconds(5);

    final String name;
    final LongSupplier clock;
    final io.fanlab.engine.limit.Sleeper sleeper;
    /** The random source of admission draws and retry jitter; null: {@link java.util.concurrent.ThreadLocalRandom}. */
    private final java.util.random.RandomGenerator random;
    /**
     * Fires the hedges and timeouts of every stage (one thread, started on the first deadline); shut down when the
     * engine stops, so no timer thread outlives it.
     */
    final io.fanlab.engine.resilience.PreciseTimer attemptTimer;
    final StageObserver observer;
    private final TerminalListener<Object> listener;
    /** The listener when it takes completed items as runs, else null (see {@link ExitRun}). */
    private final io.fanlab.engine.pipeline.BatchTerminalListener<Object> runListener;
    private final List<StageRuntime> stages = new ArrayList<>();
    private final Map<String, StageRuntime> byName = new LinkedHashMap<>();
    private StageRuntime head;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private volatile boolean cancelling;
    private volatile boolean cancelRequested;
    private final ReentrantLock shutdown = new ReentrantLock();
    private ShutdownReport report;
    private volatile Thread failFastThread;
    private volatile ShutdownReport failFastReport;
    private volatile Throwable failFastCause;

    /** Items admitted by forks (branch copies); external submissions are counted by the head stage ({@link StageRuntime#admittedExternal}). */
    private final LongAdder admitted = new PaddedAdder();
    private final LongAdder completed = new PaddedAdder();
    /**
     * The counters of the worker running on the current thread, when it belongs to this pipeline (set by the worker
     * for its lifetime): a completion at the exit is counted in that worker's single-writer cell instead of a shared
     * adder, which cost one contended read-modify-write per item (about a fifth of a worker's time at work ~0).
     */
    final ThreadLocal<WorkerCounters> onWorker = new ThreadLocal<>();
    private final LongAdder failed = new PaddedAdder();
    private final LongAdder shed = new PaddedAdder();
    private final LongAdder timedOut = new PaddedAdder();
    private final LongAdder cancelled = new PaddedAdder();
    private final LongAdder deadLettered = new PaddedAdder();
    private final LongAdder listenerErrors = new PaddedAdder();

    private final int deadLetterCapacity;
    private final ReentrantLock deadLock = new ReentrantLock();
    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
    private long droppedDeadLetters;
    private final java.util.concurrent.ConcurrentLinkedQueue<String> workerDeaths = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @SuppressWarnings("unchecked")
    private PipelineRuntime(String name, TerminalListener<?> listener, StageObserver observer, LongSupplier clock,
                            io.fanlab.engine.limit.Sleeper sleeper, int deadLetterCapacity, java.util.random.RandomGenerator random) {
        this.sleeper = sleeper;
        this.random = random;
        this.attemptTimer = new io.fanlab.engine.resilience.PreciseTimer("fanlab-" + name + "-timer");
        this.name = name;
        this.listener = (TerminalListener<Object>) listener;
        this.runListener = listener instanceof io.fanlab.engine.pipeline.BatchTerminalListener<?> b
                ? (io.fanlab.engine.pipeline.BatchTerminalListener<Object>) b : null;
        this.observer = observer == StageObserver.NOOP ? observer : new SafeObserver(observer);
        this.clock = clock;
        this.deadLetterCapacity = deadLetterCapacity;
    }

    /** The random source: the pipeline's, or the calling thread's {@link java.util.concurrent.ThreadLocalRandom}. */
    java.util.random.RandomGenerator random() {
        return random != null ? random : CALLERS_RANDOM;
    }

    /**
     * Each draw from the drawing thread's {@link java.util.concurrent.ThreadLocalRandom}: safe to hold in a field that
     * several threads draw from (unlike the instance {@code ThreadLocalRandom.current()} returns, which must not be
     * shared across threads).
     */
    private static final java.util.random.RandomGenerator CALLERS_RANDOM =
            () -> java.util.concurrent.ThreadLocalRandom.current().nextLong();

    /** Compiles the steps into a graph and starts every stage's workers. */
    public static PipelineRuntime start(String name, List<Step> steps, TerminalListener<?> listener, StageObserver observer,
                                        LongSupplier clock, int deadLetterCapacity) {
        return start(name, steps, listener, observer, clock, io.fanlab.engine.limit.Sleeper.SYSTEM, deadLetterCapacity);
    }

    /** As above; {@code sleeper} is how rate-limited stages wait for tokens (it should advance {@code clock}). */
    public static PipelineRuntime start(String name, List<Step> steps, TerminalListener<?> listener, StageObserver observer,
                                        LongSupplier clock, io.fanlab.engine.limit.Sleeper sleeper, int deadLetterCapacity) {
        return start(name, steps, listener, observer, clock, sleeper, deadLetterCapacity, null);
    }

    /**
     * As above; {@code random} (thread-safe, or null for {@link java.util.concurrent.ThreadLocalRandom}) is the source
     * of probabilistic admission's draws and of retry jitter.
     */
    public static PipelineRuntime start(String name, List<Step> steps, TerminalListener<?> listener, StageObserver observer,
                                        LongSupplier clock, io.fanlab.engine.limit.Sleeper sleeper, int deadLetterCapacity,
                                        java.util.random.RandomGenerator random) {
        if (steps.isEmpty() || !(steps.get(0) instanceof Step.StageStep))
            throw new IllegalArgumentException("pipeline.steps: " + steps.size() + " steps (expected: a first stage)");
        PipelineRuntime p = new PipelineRuntime(name, listener, observer, clock, sleeper, deadLetterCapacity, random);
        p.compile(steps, new ExitNode(p), new HashSet<>());
        p.head = p.stages.get(0);
        for (StageRuntime s : p.stages) s.start();
        return p;
    }

    // ------------------------------------------------------------------ graph

    @SuppressWarnings("unchecked")
    private Node compile(List<Step> steps, Node next, java.util.Set<String> exits) {
        // stages are created front to back (so stages.get(0) is the head), then wired back to front
        List<Object> built = new ArrayList<>();
        for (Step step : steps) {
            switch (step) {
                case Step.StageStep s -> {
                    if (byName.containsKey(s.spec().name()))
                        throw new IllegalArgumentException("stage.name: '" + s.spec().name() + "' (expected: unique within a pipeline)");
                    StageRuntime r = new StageRuntime(this, s.spec(), s.work(), s.key(), s.tenant(), s.weight());
                    stages.add(r);
                    byName.put(r.name, r);
                    built.add(r);
                }
                case Step.BranchStep b -> {
                    if (b.exit().equals(io.fanlab.engine.pipeline.Pipeline.MAIN_EXIT) || !exits.add(b.exit()))
                        throw new IllegalArgumentException("branch.exit: '" + b.exit() + "' (expected: unique and not '" + io.fanlab.engine.pipeline.Pipeline.MAIN_EXIT + "')");
                    built.add(compile(b.side(), new ExitNode(this), exits));
                }
                case Step.RouteStep r -> built.add(r);
                case Step.LoopStep l -> built.add(l);
            }
        }
        Node node = next;
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step step = steps.get(i);
            Object b = built.get(i);
            switch (step) {
                case Step.StageStep s -> {
                    StageRuntime r = (StageRuntime) b;
                    r.downstream = node;
                    node = new StageNode(r);
                }
                case Step.BranchStep br -> {
                    node = new ForkNode(this, br.exit(), (Node) b, node);
                }
                case Step.RouteStep r -> {
                    Node a = compile(r.a(), node, exits);
                    Node bb = compile(r.b(), node, exits);
                    node = new RouteNode(this, (Predicate<Object>) r.predicate(), a, bb);
                }
                case Step.LoopStep l -> {
                    int permits = 1024;
                    if (!l.body().isEmpty() && l.body().get(0) instanceof Step.StageStep ss) {
                        if (ss.spec().order() instanceof io.fanlab.engine.spec.Order.Ordered)
                            throw new IllegalArgumentException("stage." + ss.spec().name() + ".order: " + ss.spec().order()
                                    + " (expected: unordered as the first stage of a loop body; an item going round is admitted over capacity, a reorder window cannot be)");
                        permits = ss.spec().queueCapacity();
                    }
                    LoopNode loop = new LoopNode(this, permits, (Predicate<Object>) l.again(), (Function<Object, Object>) l.back(), l.maxLaps());
                    loop.next = node;
                    loop.body = compile(l.body(), loop.tail, exits);
                    node = loop.entry;
                }
            }
        }
        return node;
    }

    /** Hands an envelope to a stage from inside the graph. */
    private record StageNode(StageRuntime stage) implements Node {
        @Override
        public void accept(Envelope e) {
            try {
                stage.offer(e, false);
            } catch (InterruptedException impossible) {
                throw new AssertionError("internal offers do not throw", impossible);
            }
        }
    }

    // ------------------------------------------------------------------ items

    /** Submits an item from outside; see {@code FanOutEngine#submit}. */
    public void submit(Object item, ItemCancellation cancellation) throws InterruptedException {
        State s = state.get();
        if (s != State.RUNNING) throw notRunning(s);
        Envelope e = new Envelope(item, io.fanlab.engine.pipeline.Pipeline.MAIN_EXIT, item);
        if (cancellation != null) {
            cancellation.attach();
            e.cancellation = cancellation;
        }
        head.offer(e, true);
    }

    /** Submits several items; see {@code FanOutEngine#submitAll}. */
    public int submitAll(List<?> items) throws InterruptedException {
        State s = state.get();
        if (s != State.RUNNING) throw notRunning(s);
        if (head.takesRawRuns()) return head.offerAllRaw(copy(items)); // no envelope per item (see RawRun)
        Envelope[] es = new Envelope[items.size()];
        int i = 0;
        for (Object item : items) es[i++] = new Envelope(item, io.fanlab.engine.pipeline.Pipeline.MAIN_EXIT, item);
        return head.offerAll(es);
    }

    /**
     * The items in a new array (the run's: see {@link RawRun}). A random-access list is copied by index: its
     * {@code toArray} is often {@code AbstractCollection}'s, through an iterator with a modification check per item
     * (a sub-list of {@code Arrays.asList}: about 12% of the producer's time at work ~0, profiled).
     */
    private static Object[] copy(List<?> items) {
        if (!(items instanceof java.util.RandomAccess)) return items.toArray();
        int n = items.size();
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) out[i] = items.get(i);
        return out;
    }

    private IllegalStateException notRunning(State s) {
        if (s == State.FAILED)
            return new IllegalStateException("engine " + name + " failed fast (" + failFastCause + "): submit is refused after a fail-fast error");
        return new IllegalStateException("engine " + name + " is " + s + ": submit is refused once close or cancel has begun");
    }

    void admitFork() { admitted.increment(); }

    boolean isCancelled() { return cancelling; }

    /** The item's path ended: count it, free its loop permits, tell the listener. Exactly once per envelope. */
    void terminal(Envelope e, StageRuntime stage, Outcome o, Object result, Throwable cause) {
        switch (o) {
            case COMPLETED -> {
                WorkerCounters mine = onWorker.get();
                if (mine != null) mine.exitedOne(); // a worker of this pipeline: its own cell, no atomic
                else completed.increment();
            }
            case FAILED -> failed.increment();
            case SHED -> shed.increment();
            case TIMED_OUT -> timedOut.increment();
            case CANCELLED -> cancelled.increment();
            case DEAD_LETTERED -> deadLettered.increment();
        }
        for (Envelope.LoopHold h = e.loops; h != null; h = h.outer) h.loop.permits.release();
        e.loops = null;
        try {
            listener.onTerminal(e.exit, e.origin, o, result, cause);
        } catch (Throwable t) {
            listenerErrors.increment();
        }
    }

    /** Whether completed items may leave as runs (the listener is a {@code BatchTerminalListener}). */
    boolean takesRuns() { return runListener != null; }

    /**
     * A worker of a path's last stage completed {@code e} at the exit: as {@link #terminal} with COMPLETED, counted
     * in the worker's own cell without the thread-local look-up.
     */
    void completedAtExit(Envelope e, WorkerCounters mine) {
        mine.exitedOne();
        if (e.loops != null) releaseLoops(e);
        try {
            listener.onTerminal(e.exit, e.origin, Outcome.COMPLETED, e.value, null);
        } catch (Throwable t) {
            listenerErrors.increment();
        }
    }

    /**
     * A worker's run of completed items reached the exit: counted once in the worker's cell, then one listener call
     * per stretch of items sharing an exit name. Exactly once per item, as {@link #terminal}.
     */
    void exitRun(ExitRun run, WorkerCounters mine) {
        int k = run.count();
        mine.exitedMany(k);
        for (int j = 0; j < k; j++) {
            Envelope e = run.at(j);
            if (e.loops != null) releaseLoops(e);
        }
        int start = 0;
        while (start < k) {
            String exit = run.at(start).exit;
            int stop = start + 1;
            while (stop < k && exit.equals(run.at(stop).exit)) stop++;
            run.view(start, stop - start);
            try {
                runListener.onCompletedRun(exit, run);
            } catch (Throwable t) {
                listenerErrors.increment();
            }
            start = stop;
        }
    }

    /**
     * A worker's plain run of completed items reached the main exit ({@link RawRun}): counted once in the worker's
     * cell, one listener call. Exactly once per item, as {@link #terminal}.
     */
    void exitRawRun(String exit, RawExitRun run, WorkerCounters mine) {
        mine.exitedMany(run.count());
        try {
            runListener.onCompletedRun(exit, run);
        } catch (Throwable t) {
            listenerErrors.increment();
        }
    }

    private static void releaseLoops(Envelope e) {
        for (Envelope.LoopHold h = e.loops; h != null; h = h.outer) h.loop.permits.release();
        e.loops = null;
    }

    void deadLetter(StageRuntime stage, Envelope e, Throwable cause) {
        deadLock.lock();
        try {
            if (deadLetters.size() >= deadLetterCapacity) {
                deadLetters.pollFirst();
                droppedDeadLetters++;
            }
            deadLetters.addLast(new DeadLetter(stage.name, e.sequence, e.value, e.origin, cause));
        } finally {
            deadLock.unlock();
        }
    }

    public List<DeadLetter> deadLetters() {
        deadLock.lock();
        try {
            return List.copyOf(deadLetters);
        } finally {
            deadLock.unlock();
        }
    }

    public long droppedDeadLetters() {
        deadLock.lock();
        try {
            return droppedDeadLetters;
        } finally {
            deadLock.unlock();
        }
    }

    void workerDied(String stage, Throwable t) {
        workerDeaths.add(stage + ": " + t);
    }

    public List<String> workerDeaths() {
        return List.copyOf(workerDeaths);
    }

    public long listenerErrors() { return listenerErrors.sum(); }

    /** A FAIL_FAST stage's item failed: refuse input and cancel everything on a separate thread. */
    void failFast(StageRuntime stage, Throwable cause) {
        while (true) {
            State s = state.get();
            if (s != State.RUNNING && s != State.DRAINING) return;
            if (state.compareAndSet(s, State.FAILED)) break;
        }
        failFastCause = cause;
        Thread t = Thread.ofPlatform().name("fanlab-" + name + "-failfast").daemon(true).unstarted(() ->
                failFastReport = doCancel(FAIL_FAST_CANCEL_BOUND, System.nanoTime()));
        t.start();
        failFastThread = t; // published after start: joiners never see an unstarted thread
    }

    // ------------------------------------------------------------------ shutdown

    public ShutdownReport close(Duration deadline) {
        long t0 = System.nanoTime();
        long end = t0 + deadline.toNanos();
        shutdown.lock();
        try {
            if (report != null) return report;
            if (state.compareAndSet(State.RUNNING, State.DRAINING)) {
                head.closeExternal();
                while (tally().inFlight() > 0 && System.nanoTime() < end && state.get() == State.DRAINING && !cancelRequested)
                    LockSupport.parkNanos(500_000);
                if (state.get() == State.DRAINING && tally().inFlight() == 0 && !cancelRequested) {
                    for (StageRuntime s : stages) s.stopWhenEmpty();
                    boolean joined = joinAll(Math.max(end, System.nanoTime() + CLOSE_CANCEL_GRACE.toNanos()));
                    if (joined && state.compareAndSet(State.DRAINING, State.STOPPED)) {
                        attemptTimer.shutdown();
                        report = new ShutdownReport(true, Duration.ofNanos(System.nanoTime() - t0), List.of(), tally());
                        return report;
                    }
                }
            }
            return finishCancel(CLOSE_CANCEL_GRACE, t0);
        } finally {
            shutdown.unlock();
        }
    }

    public ShutdownReport cancel(Duration bound) {
        long t0 = System.nanoTime();
        cancelRequested = true; // a close draining on another thread stops waiting and cancels (with its short grace)
        shutdown.lock();
        try {
            if (report != null) return report;
            return finishCancel(bound, t0);
        } finally {
            shutdown.unlock();
        }
    }

    private ShutdownReport finishCancel(Duration bound, long t0) {
        Thread ff = failFastThread;
        long waitUntil = System.nanoTime() + bound.toNanos();
        while (ff == null && state.get() == State.FAILED && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(100_000); // the failing worker is between its CAS and publishing the thread
            ff = failFastThread;
        }
        ShutdownReport r;
        if (ff != null) {
            try {
                ff.join(bound.plusMillis(1));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            r = failFastReport;
            if (r == null) r = doCancel(Duration.ZERO, t0); // the fail-fast cancel is itself late: sweep now
        } else {
            r = doCancel(bound, t0);
        }
        attemptTimer.shutdown(); // after the workers: no round is left waiting on a deadline
        report = new ShutdownReport(false, Duration.ofNanos(System.nanoTime() - t0), r.stuck(), tally());
        state.set(State.STOPPED);
        return report;
    }

    /** Cancels every stage, waits for workers up to the bound, then gives up on the stuck ones. */
    private ShutdownReport doCancel(Duration bound, long t0) {
        long end = t0 + bound.toNanos();
        while (true) {
            State s = state.get();
            if (s == State.STOPPED || s == State.CANCELLING) break;
            if (s == State.FAILED || state.compareAndSet(s, State.CANCELLING)) break;
        }
        cancelling = true;
        for (StageRuntime s : stages) s.cancel();
        joinAll(end);
        List<StuckItem> stuck = new ArrayList<>();
        for (StageRuntime s : stages) s.sweepStuck(stuck);
        return new ShutdownReport(false, Duration.ofNanos(System.nanoTime() - t0), stuck, tally());
    }

    private boolean joinAll(long end) {
        try {
            for (StageRuntime s : stages) if (!s.joinWorkers(end)) return false;
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ views

    public State state() { return state.get(); }

    public Tally tally() {
        long c = completed.sum();
        for (StageRuntime st : stages) c += st.exitedOnWorkers(); // acquire loads, before admitted (see StageRuntime#tally)
        long f = failed.sum(), s = shed.sum(), t = timedOut.sum(), x = cancelled.sum(), d = deadLettered.sum();
        // external admissions are counted once, by the head stage (the only one that takes them): read last as well
        return Tally.of(admitted.sum() + head.admittedExternal.sum(), c, f, s, t, x, d);
    }

    public List<StageStats> stats() {
        List<StageStats> out = new ArrayList<>();
        for (StageRuntime s : stages) out.add(s.stats());
        return out;
    }

    public StageStats stats(String stage) { return stage(stage).stats(); }

    public void setWidth(String stage, int width) {
        State s = state.get();
        if (s != State.RUNNING) throw new IllegalStateException("engine " + name + " is " + s + ": width can change only while running");
        stage(stage).setWidth(width);
    }

    private StageRuntime stage(String stage) {
        StageRuntime r = byName.get(stage);
        if (r == null) throw new IllegalArgumentException("stage: '" + stage + "' (expected: one of " + byName.keySet() + ")");
        return r;
    }

    /** Engine threads (workers, fail-fast canceller) still alive. */
    public List<Thread> liveThreads() {
        List<Thread> out = new ArrayList<>();
        for (StageRuntime s : stages) out.addAll(s.liveThreads());
        Thread ff = failFastThread;
        if (ff != null && StageRuntime.alive(ff)) out.add(ff);
        Thread timer = attemptTimer.thread();
        if (timer != null && timer.isAlive()) out.add(timer);
        return out;
    }

    /** Swallows observer exceptions so a faulty observer cannot lose items. */
    private record SafeObserver(StageObserver d) implements StageObserver {
        @Override public void admitted(String stage, long sequence) { try { d.admitted(stage, sequence); } catch (Throwable ignored) { } }
        @Override public void started(String stage, long sequence, int worker, long queueNanos) { try { d.started(stage, sequence, worker, queueNanos); } catch (Throwable ignored) { } }
        @Override public void terminal(String stage, long sequence, Outcome outcome, long queueNanos, long serviceNanos) { try { d.terminal(stage, sequence, outcome, queueNanos, serviceNanos); } catch (Throwable ignored) { } }
        @Override public void limitChanged(String stage, int oldLimit, int newLimit) { try { d.limitChanged(stage, oldLimit, newLimit); } catch (Throwable ignored) { } }
    }
}
