package io.fanlab.harness.fault;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Applies the scenario's faults on the run's timeline and undoes them: one platform thread, {@code fanlab-faults},
 * wakes at each window start and end (decisions by {@link FaultTimeline}), applies or revokes the effect, then tells
 * the {@link FaultListener} with the actual offset.
 *
 * <h2>Effects</h2>
 * <ul>
 *   <li>LatencySpike, ErrorInjection, Downstream503, DownstreamSlow, WorkerStall: {@link FaultState#activate},
 *       read by work on every item.</li>
 *   <li>GcPressure: a background allocation thread ({@code fanlab-fault-gc}), see {@code BackgroundLoad}.</li>
 *   <li>CpuHog: {@code threads} busy platform threads ({@code fanlab-fault-cpuhog-N}).</li>
 *   <li>LoadSpike, HotKey: nothing at runtime; the arrival schedule and item stream apply them deterministically
 *       by scenario time. Their start and stop are still reported.</li>
 *   <li>Abort: runs {@code onAbort} at its time (between its start and stop reports).</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * A fault is applied at most once, is revoked at its window's end (late only by the thread's wake-up latency), and
 * is revoked by {@link #close()} at the latest; after {@code close()} returns no fault is applied and every thread
 * the schedule started has ended. Every start and every stop is reported exactly once. An exception from an effect
 * or the listener does not stop the schedule; the first one is rethrown by {@code close()} after clean-up.
 *
 * <h2>Clock</h2>
 * {@code nanoClock} must advance in real time ({@code System::nanoTime} in runs): the thread waits for the next
 * event with a timed condition wait of {@code next - now} nanoseconds. Tests with a manual clock exercise
 * {@link FaultTimeline}, which holds all decisions.
 */
public final class FaultSchedule implements AutoCloseable {
    private final FaultTimeline timeline;
    private final long runStartNanos;
    private final FaultState state;
    private final FaultListener listener;
    private final Runnable onAbort;
    private final LongSupplier clock;
    private final ActiveFault[] applied;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean closing; // guarded by lock
    private boolean closed; // touched only by closers, guarded by lock
    private final Thread thread;
    private volatile Throwable failure;

    private FaultSchedule(List<FaultSpec> faults, long runStartNanos, FaultState state, FaultListener listener,
                          Runnable onAbort, LongSupplier clock) {
        this.timeline = new FaultTimeline(faults);
        this.runStartNanos = runStartNanos;
        this.state = Objects.requireNonNull(state, "state");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onAbort = Objects.requireNonNull(onAbort, "onAbort");
        this.clock = Objects.requireNonNull(clock, "nanoClock");
        this.applied = new ActiveFault[faults.size()];
        for (FaultSpec f : faults) checkStage(f, state);
        this.thread = Thread.ofPlatform().name("fanlab-faults").daemon(true).unstarted(this::loop);
    }

    /**
     * Validates the faults and starts the {@code fanlab-faults} thread.
     *
     * @param faults        the scenario's faults; windows are offsets from {@code runStartNanos}
     * @param runStartNanos the run's start on {@code nanoClock} (warmup included)
     * @param onAbort       what Abort does (the runner kills the point's JVM); must not call {@link #close()}
     *                      synchronously
     * @throws IllegalArgumentException if a fault is invalid or names an unknown stage
     */
    public static FaultSchedule start(List<FaultSpec> faults, long runStartNanos, FaultState state,
                                      FaultListener listener, Runnable onAbort, LongSupplier nanoClock) {
        FaultSchedule s = new FaultSchedule(faults, runStartNanos, state, listener, onAbort, nanoClock);
        s.thread.start();
        return s;
    }

    private static void checkStage(FaultSpec f, FaultState state) {
        java.util.Optional<String> stage = switch (f) {
            case FaultSpec.LatencySpike s -> s.stage();
            case FaultSpec.ErrorInjection e -> e.stage();
            case FaultSpec.WorkerStall w -> w.stage();
            default -> java.util.Optional.empty();
        };
        if (stage != null && stage.isPresent() && state.stageIndex(stage.get()) < 0)
            throw new IllegalArgumentException(FaultState.kind(f) + ".stage: " + stage.get() + " (expected: one of " + state.stageNames() + ")");
    }

    private long offset() { return clock.getAsLong() - runStartNanos; }

    private void loop() {
        try {
            run();
        } catch (RuntimeException | Error e) {
            // never die silently: close() revokes what is applied and rethrows this
            if (failure == null) failure = e;
        }
    }

    private void run() {
        for (;;) {
            lock.lock();
            try {
                if (closing) return;
            } finally {
                lock.unlock();
            }
            for (FaultTimeline.Transition t : timeline.advance(offset())) execute(t);
            long next = timeline.nextEventOffset();
            lock.lock();
            try {
                while (!closing) {
                    long wait = next == Long.MAX_VALUE ? Long.MAX_VALUE : next - offset();
                    if (wait <= 0) break;
                    if (wait == Long.MAX_VALUE) wake.await();
                    else wake.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return; // only close() could want this thread gone; close() revokes what is still applied
            } finally {
                lock.unlock();
            }
        }
    }

    private void execute(FaultTimeline.Transition t) {
        FaultSpec f = t.fault();
        try {
            if (t.start()) {
                applied[t.index()] = apply(f);
                listener.started(f, offset());
            } else {
                ActiveFault a = applied[t.index()];
                applied[t.index()] = null;
                if (a != null) a.revoke();
                listener.stopped(f, offset());
            }
        } catch (RuntimeException | Error e) {
            if (failure == null) failure = e;
        }
    }

    private ActiveFault apply(FaultSpec f) {
        return switch (f) {
            case FaultSpec.LatencySpike s -> state.activate(s);
            case FaultSpec.ErrorInjection e -> state.activate(e);
            case FaultSpec.Downstream503 d -> state.activate(d);
            case FaultSpec.DownstreamSlow d -> state.activate(d);
            case FaultSpec.WorkerStall w -> state.activate(w);
            case FaultSpec.GcPressure g -> BackgroundLoad.allocationStorm(g.bytesPerSecond());
            case FaultSpec.CpuHog c -> BackgroundLoad.cpuHog(c.threads());
            case FaultSpec.LoadSpike l -> ActiveFault.NOTHING;
            case FaultSpec.HotKey h -> ActiveFault.NOTHING;
            case FaultSpec.Abort a -> {
                onAbort.run();
                yield ActiveFault.NOTHING;
            }
        };
    }

    /** The first exception an effect or the listener threw so far, or null. */
    public Throwable failure() { return failure; }

    /**
     * Stops the schedule: joins {@code fanlab-faults}, revokes every fault still applied (reporting a stop for
     * each, from the calling thread) and joins the threads of background faults. Idempotent.
     *
     * @throws IllegalStateException if called from the {@code fanlab-faults} thread itself, or (after clean-up) if
     *                               an effect or the listener failed during the run
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread)
            throw new IllegalStateException("close() from fanlab-faults (expected: another thread; hand off from onAbort)");
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            closing = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (FaultTimeline.Transition t : timeline.closeAll()) execute(t);
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure;
        if (f != null) throw new IllegalStateException("fault schedule: an effect or the listener failed: " + f, f);
    }
}
