package io.fanlab.harness.fault;

import java.util.ArrayList;
import java.util.List;

/**
 * The schedule's decisions as a pure function of time: which faults start and stop when the clock reaches an
 * offset. No threads, no clock; the {@code fanlab-faults} thread feeds it offsets, tests feed it any sequence.
 *
 * <p>Each fault goes NOT_STARTED -> ACTIVE -> DONE once. {@link #advance(long)} to offset {@code t} stops every
 * active fault whose window ended ({@code at + duration <= t}), then starts every fault whose window began
 * ({@code at <= t}); a fault whose whole window lies before {@code t} (zero duration, as Abort, or a late
 * scheduler) is started and stopped in the same step, so the log still shows it. Hence after
 * {@code advance(t)} a fault is active iff {@code at <= t < at + duration}, and {@link #nextEventOffset()} is the
 * earliest offset at which that can change.
 *
 * <p>Not thread-safe: confined to one thread at a time (the schedule hands it over with {@code Thread.join}).
 */
public final class FaultTimeline {
    private static final int NOT_STARTED = 0, ACTIVE = 1, DONE = 2;

    private final List<FaultSpec> faults;
    private final long[] startNanos;
    private final long[] endNanos;
    private final int[] state;
    private long lastOffset = Long.MIN_VALUE;

    /** One decision: start or stop fault number {@code index}. */
    public record Transition(int index, FaultSpec fault, boolean start) {}

    public FaultTimeline(List<FaultSpec> faults) {
        this.faults = List.copyOf(faults);
        int n = this.faults.size();
        startNanos = new long[n];
        endNanos = new long[n];
        state = new int[n];
        for (int i = 0; i < n; i++) {
            FaultSpec f = this.faults.get(i);
            FaultState.validate(f);
            startNanos[i] = f.at().toNanos();
            endNanos[i] = saturatedAdd(startNanos[i], f.duration().toNanos());
        }
    }


    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** True if fault {@code f}'s window contains {@code offsetNanos}: {@code at <= offset < at + duration}. */
    public static boolean activeAt(FaultSpec f, long offsetNanos) {
        long at = f.at().toNanos();
        return at <= offsetNanos && offsetNanos < saturatedAdd(at, f.duration().toNanos());
    }

    /**
     * Moves time to {@code offsetNanos} and returns the transitions due, stops before starts.
     *
     * @throws IllegalArgumentException if the offset goes backwards
     */
    public List<Transition> advance(long offsetNanos) {
        if (offsetNanos < lastOffset)
            throw new IllegalArgumentException("offsetNanos: " + offsetNanos + " (expected: >= previous " + lastOffset + ")");
        lastOffset = offsetNanos;
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i < state.length; i++) {
            if (state[i] == ACTIVE && endNanos[i] <= offsetNanos) {
                state[i] = DONE;
                out.add(new Transition(i, faults.get(i), false));
            }
        }
        for (int i = 0; i < state.length; i++) {
            if (state[i] == NOT_STARTED && startNanos[i] <= offsetNanos) {
                state[i] = ACTIVE;
                out.add(new Transition(i, faults.get(i), true));
            }
        }
        for (int i = 0; i < state.length; i++) {
            if (state[i] == ACTIVE && endNanos[i] <= offsetNanos) {
                state[i] = DONE;
                out.add(new Transition(i, faults.get(i), false));
            }
        }
        return out;
    }

    /** Stops every active fault (the run ends) and marks every fault done, so nothing starts later. */
    public List<Transition> closeAll() {
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i < state.length; i++) {
            if (state[i] == ACTIVE) out.add(new Transition(i, faults.get(i), false));
            state[i] = DONE;
        }
        return out;
    }

    /** The earliest offset at which a transition is due, or {@link Long#MAX_VALUE} if none will be. */
    public long nextEventOffset() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < state.length; i++) {
            if (state[i] == NOT_STARTED) next = Math.min(next, startNanos[i]);
            else if (state[i] == ACTIVE) next = Math.min(next, endNanos[i]);
        }
        return next;
    }

    public boolean isActive(int index) { return state[index] == ACTIVE; }

    public boolean isDone(int index) { return state[index] == DONE; }

    public int size() { return state.length; }
}
