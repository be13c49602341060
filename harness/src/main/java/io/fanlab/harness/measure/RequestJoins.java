package io.fanlab.harness.measure;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides each scatter-gather request exactly once from the terminal outcomes of its {@code k} items.
 *
 * <p>A request needs {@code joinAt} completed items ({@code k} for join all, 1 for first, q for quorum). It is
 * decided at the first item event that settles it: {@link Decision#SUCCEEDED} when the {@code joinAt}-th item
 * completes; {@link Decision#FAILED} when so many items ended otherwise that {@code joinAt} can no longer be
 * reached (more than {@code k - joinAt}). Every other event returns {@link Decision#NONE}. The request's state is
 * dropped when all {@code k} of its items are terminal, whatever their order: items of one request may end in any
 * order, the last-numbered item first (the bug this class replaces dropped the state then, so later items of the
 * request started a fresh count). With a time, {@link #itemEnded(long, boolean, long)} also tells an item that ends
 * after its request was decided (a loser of a first or quorum join) when the decision was made.
 *
 * <p>Threading: {@link #itemEnded} may be called concurrently for items of the same or different requests; each
 * request's state changes under that request's map entry (one {@link ConcurrentHashMap#compute} per event), so two
 * items ending at once are seen one after the other. {@link #undecided} is for a single reader after the fact.
 */
public final class RequestJoins {
    /** What one item event did to its request. */
    public enum Decision { NONE, SUCCEEDED, FAILED }

    /**
     * One item event, with time.
     *
     * @param decision       the decision this event made
     * @param afterDecision  the item ended after its request had been decided by another item's event (a loser)
     * @param decidedAtNanos when the request was decided: this event's time for a deciding event, an earlier one
     *                       after the decision; 0 (meaningless) while the request is undecided
     */
    public record Ended(Decision decision, boolean afterDecision, long decidedAtNanos) {
        static final Ended OPEN = new Ended(Decision.NONE, false, 0);
    }

    private final int k;
    private final int joinAt;
    private final ConcurrentHashMap<Long, State> open = new ConcurrentHashMap<>();

    private static final class State {
        int completed, ended;
        long decidedAt;
        volatile boolean decided; // written under the entry's compute, read by decided()
    }

    /** @throws IllegalArgumentException unless {@code 1 <= joinAt <= k} */
    public RequestJoins(int k, int joinAt) {
        if (k < 1) throw new IllegalArgumentException("fanout: " + k + " (expected: >= 1)");
        if (joinAt < 1 || joinAt > k) throw new IllegalArgumentException("join: " + joinAt + " (expected: 1.." + k + ")");
        this.k = k;
        this.joinAt = joinAt;
    }

    public int fanout() { return k; }

    public int joinAt() { return joinAt; }

    /**
     * One item of {@code request} is terminal. Each item must be reported once (the caller filters duplicates).
     *
     * @return the decision this event made, or NONE if the request was already decided or is still open
     */
    public Decision itemEnded(long request, boolean completed) {
        return itemEnded(request, completed, 0).decision();
    }

    /**
     * As {@link #itemEnded(long, boolean)} at time {@code nowNanos}, which a deciding event keeps as the request's
     * decision time (returned to the items that end after it).
     */
    public Ended itemEnded(long request, boolean completed, long nowNanos) {
        Ended[] made = {Ended.OPEN};
        open.compute(request, (r, st) -> {
            if (st == null) st = new State();
            st.ended++;
            if (completed) st.completed++;
            if (!st.decided) {
                if (st.completed >= joinAt) {
                    st.decided = true;
                    st.decidedAt = nowNanos;
                    made[0] = new Ended(Decision.SUCCEEDED, false, nowNanos);
                } else if (st.ended - st.completed > k - joinAt) {
                    st.decided = true;
                    st.decidedAt = nowNanos;
                    made[0] = new Ended(Decision.FAILED, false, nowNanos);
                }
            } else {
                made[0] = new Ended(Decision.NONE, true, st.decidedAt);
            }
            return st.ended >= k ? null : st; // all k items ended: nothing more can happen to this request
        });
        return made[0];
    }

    /** Requests with at least one item ended and no decision yet (still waiting for items that have not ended). */
    public java.util.List<Long> undecided() {
        java.util.List<Long> out = new java.util.ArrayList<>();
        open.forEach((r, s) -> { if (!s.decided) out.add(r); });
        return out;
    }

    /**
     * Whether {@code request} was decided, for a request with at least one item not yet ended (a request whose
     * items all ended is always decided and forgotten).
     */
    public boolean decided(long request) {
        State s = open.get(request);
        return s != null && s.decided;
    }

    /** Requests with state kept (some items ended, not all). */
    public int openRequests() { return open.size(); }
}
