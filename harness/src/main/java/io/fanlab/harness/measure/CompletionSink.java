package io.fanlab.harness.measure;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Completions;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.probe.LatencyProbe;
import io.fanlab.harness.probe.SeenSet;
import io.fanlab.harness.queueing.LittlesLaw;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where a point's design reports terminal items ({@link Completions}), and where the load driver reports offered
 * ones ({@link #submitted}): turns the two events into the point's measurements.
 *
 * <h2>What is measured</h2>
 * <ul>
 *   <li><b>Response</b> = terminal time - intended start, for COMPLETED items whose intended start lies in the
 *       measured window {@code [from, to)}, whenever they end. <b>Service</b> = terminal time - first stage start,
 *       same items. <b>Live response</b>: every completion, any time (the interval time series).</li>
 *   <li><b>Request</b> (fan-out k &gt; 1): each request is decided once by {@link RequestJoins}; a request that
 *       succeeds records its latency (decision time - intended start) when its intended start is in the window.</li>
 *   <li><b>Unfinished items</b> (censored): once the point's cancel begins ({@link #beginCancel}), an item that ends
 *       without completing was never served; it is counted in {@link #unfinished()} and, if its intended start is
 *       in the window, recorded in the response population at {@code max(now, window end) - intended} (a lower bound
 *       of its true latency, so a tail cannot hide by never finishing), counted as censored. Items the design never
 *       reports at all (stuck) are censored the same way by {@link #censorStuck()}. Undecided requests are censored
 *       likewise in the request population.</li>
 *   <li><b>Little's law</b>: a {@link LittlesLaw.Accumulator} over the window, fed by every terminal item
 *       (censored ones included), so L is exact once every item has ended or been censored.</li>
 *   <li><b>Cancellation</b>: in flight when the cancel began, cancelled after it, finished anyway after it.</li>
 *   <li><b>Losers</b> (a first or quorum join, {@code joinAt < fanout}): the moment a request is decided, its other
 *       items still in flight are cancelled ({@link Item#cancel}: the design stops them if it can), and an item of
 *       the request offered after the decision is cancelled as it is offered. Every item that ends after its
 *       request's decision is a loser: counted as cancelled (it ended CANCELLED) or finished anyway (any other
 *       end), with the time from the decision to its end. A loser is never unfinished or censored (nobody waits for
 *       it); it stays in its outcome's count (a cancelled loser is one of the point's CANCELLED items), so
 *       conservation is unchanged: offered = every outcome's count. The items of request r are those numbered
 *       {@code r*fanout .. r*fanout+fanout-1} (the load driver's numbering).</li>
 *   <li>Duplicates ({@link SeenSet}), offered keys ({@link TopKeys}, per window and per interval), dead letters
 *       ({@link DeadLetters}).</li>
 *   <li>Values above a bound ({@link #countAbove}): live counts of the response, service or request population's
 *       values above a latency bound, as they are recorded (the early stop's figures).</li>
 * </ul>
 *
 * <p>Threading: see the package doc. {@link #openWindow} is called once before the first {@link #submitted};
 * {@link #beginCancel} and {@link #censorStuck} once each, by the runner thread, in that order.
 */
public final class CompletionSink implements Completions {
    /** Keys reported per point and per interval. */
    public static final int TOP_KEYS = 10;
    /** Counters kept by the hot-key sketches (a key above 1/64 of the traffic is always found). */
    static final int KEY_COUNTERS = 64;
    /** Dead letters kept for the run directory. */
    public static final int DEAD_LETTERS_KEPT = 1000;

    private final LongSupplier clock;
    private final int k;
    private final RequestJoins joins;

    private final LongAdder submitted = new LongAdder();
    private final LongAdder windowOffered = new LongAdder();
    private final LongAdder[] terminal = adders(Outcome.values().length);
    private final LongAdder[] windowTerminal = adders(Outcome.values().length);
    private final LongAdder completedInWindow = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder unfinished = new LongAdder();
    private final LongAdder censoredResponse = new LongAdder();
    private final LongAdder censoredRequest = new LongAdder();
    private final LongAdder requestsSucceeded = new LongAdder();
    private final LongAdder requestsFailed = new LongAdder();
    private final LongAdder cancelledAfterCancel = new LongAdder();
    private final LongAdder finishedAfterCancel = new LongAdder();
    private final boolean hasLosers;
    private final LongAdder losersCancelled = new LongAdder();
    private final LongAdder losersFinished = new LongAdder();
    private final LatencyProbe loserAfterDecision;
    private final SeenSet seen = new SeenSet();
    private final ConcurrentHashMap<Long, Item> inFlight = new ConcurrentHashMap<>();

    private final LatencyProbe liveResponse = new LatencyProbe();
    private final LatencyProbe response = new LatencyProbe();
    private final LatencyProbe service = new LatencyProbe();
    private final LatencyProbe request;
    private final TopKeys windowKeys = new TopKeys(KEY_COUNTERS);
    private final TopKeys intervalKeys = new TopKeys(KEY_COUNTERS);
    private final DeadLetters deadLetters = new DeadLetters(DEAD_LETTERS_KEPT);

    /** Which population a bound of {@link #countAbove} watches: those of {@code response_ms}, {@code service_ms}, {@code request_ms}. */
    public enum Population { RESPONSE, SERVICE, REQUEST }

    private record Above(Population population, long boundNanos, LongAdder count) {}

    private volatile Above[] above = new Above[0];
    private volatile long from = Long.MIN_VALUE, to = Long.MIN_VALUE;
    private volatile LittlesLaw.Accumulator little;
    private volatile boolean cancelling;
    private volatile long cancelAt;
    private volatile long inFlightAtCancel = -1;
    private volatile Consumer<Item> onTerminal = i -> { };

    /**
     * @param nanoClock the clock of intended starts and of every timestamp here ({@code System::nanoTime} in a run)
     * @param fanout    items per request (1: no scatter-gather)
     * @param joinAt    completed items that make a request succeed (fanout for all, 1 for first, q for quorum)
     */
    public CompletionSink(LongSupplier nanoClock, int fanout, int joinAt) {
        this.clock = nanoClock;
        this.k = fanout;
        this.joins = new RequestJoins(fanout, joinAt);
        this.request = fanout > 1 ? new LatencyProbe() : null;
        this.hasLosers = fanout > 1 && joinAt < fanout;
        this.loserAfterDecision = hasLosers ? new LatencyProbe() : null;
    }

    /** Sets the measured window {@code [from, to)} (nanoseconds of the clock). Once, before the first submit. */
    public void openWindow(long fromNanos, long toNanos) {
        little = new LittlesLaw.Accumulator(fromNanos, toNanos);
        this.from = fromNanos;
        this.to = toNanos;
    }

    /**
     * Counts the values of {@code population} above {@code boundNanos} (strictly) from now on: completed window items'
     * response or service times, succeeded window requests' latencies (censored values, recorded after the cancel
     * began, are not counted). Call before the first {@link #submitted}.
     *
     * @return the live count
     */
    public LongSupplier countAbove(Population population, long boundNanos) {
        Above a = new Above(population, boundNanos, new LongAdder());
        Above[] next = java.util.Arrays.copyOf(above, above.length + 1);
        next[above.length] = a;
        above = next;
        return a.count()::sum;
    }

    private void above(Population p, long value) {
        for (Above a : above) if (a.population() == p && value > a.boundNanos()) a.count().increment();
    }

    /** Also tells {@code listener} of every terminal item (closed load: the user may send the next one). */
    public void onTerminal(Consumer<Item> listener) { this.onTerminal = listener; }

    private boolean inWindow(long t) { return t >= from && t < to; }

    /** The load driver is about to hand {@code item} to the design. */
    public void submitted(Item item) {
        inFlight.put(item.seq(), item);
        // after the put: a decision made from here on finds the item in flight, one made before is seen here
        if (hasLosers && joins.decided(item.request())) item.cancel();
        submitted.increment();
        if (inWindow(item.intendedStartNanos())) {
            windowOffered.increment();
            windowKeys.add(item.key());
        }
        intervalKeys.add(item.key());
    }

    @Override public void complete(Item item, Outcome outcome, Throwable cause) {
        long now = clock.getAsLong();
        if (!seen.add(item.seq())) {
            duplicates.increment();
            return;
        }
        inFlight.remove(item.seq());
        RequestJoins.Ended joined = request == null ? RequestJoins.Ended.OPEN : joins.itemEnded(item.request(), outcome == Outcome.COMPLETED, now);
        boolean loser = hasLosers && joined.afterDecision();
        if (loser) {
            (outcome == Outcome.CANCELLED ? losersCancelled : losersFinished).increment();
            loserAfterDecision.recordNanos(Math.max(0, now - joined.decidedAtNanos()));
        }
        terminal[outcome.ordinal()].increment();
        long intended = item.intendedStartNanos();
        boolean window = inWindow(intended);
        LittlesLaw.Accumulator l = little;
        if (l != null) l.exited(intended, Math.max(intended, now));
        if (window) windowTerminal[outcome.ordinal()].increment();
        boolean afterCancel = cancelling;
        if (outcome == Outcome.COMPLETED) {
            long resp = now - intended;
            liveResponse.recordNanos(resp);
            if (inWindow(now)) completedInWindow.increment();
            if (window) {
                response.recordNanos(resp);
                long svcStart = item.serviceStartNanos();
                long svc = svcStart == 0 ? 0 : now - svcStart;
                service.recordNanos(svc);
                if (above.length > 0) {
                    above(Population.RESPONSE, resp);
                    above(Population.SERVICE, svc);
                }
            }
            if (afterCancel) finishedAfterCancel.increment();
        } else if (afterCancel) {
            if (outcome == Outcome.CANCELLED) cancelledAfterCancel.increment();
            if (!loser) {
                unfinished.increment();
                if (window) censor(response, censoredResponse, now, intended);
            }
        }
        if (outcome == Outcome.DEAD_LETTERED) deadLetters.add(item.seq(), item.key(), cause, item.attempts());
        if (request != null) {
            switch (joined.decision()) {
                case SUCCEEDED -> {
                    requestsSucceeded.increment();
                    if (window) {
                        request.recordNanos(now - intended);
                        if (above.length > 0) above(Population.REQUEST, now - intended);
                    }
                }
                case FAILED -> {
                    requestsFailed.increment();
                    if (afterCancel && window) censor(request, censoredRequest, now, intended);
                }
                case NONE -> { }
            }
            if (hasLosers && joined.decision() != RequestJoins.Decision.NONE) cancelLosers(item);
        }
        onTerminal.accept(item);
    }

    /**
     * {@code decider} just decided its request: cancels the request's other items in flight. A design's cancel may
     * report a loser at once, on this thread (a re-entrant {@link #complete}, which finds the request decided).
     */
    private void cancelLosers(Item decider) {
        long r = decider.request();
        for (long seq = r * k, end = seq + k; seq < end; seq++) {
            if (seq == decider.seq()) continue;
            Item it = inFlight.get(seq);
            if (it != null && it.request() == r) it.cancel();
        }
    }

    private void censor(LatencyProbe probe, LongAdder count, long now, long intended) {
        probe.recordNanos(Math.max(now, to) - intended);
        count.increment();
    }

    /** The point's cancel begins now: items ending without completing from here on are unfinished (censored). */
    public void beginCancel() {
        cancelAt = clock.getAsLong();
        inFlightAtCancel = submitted.sum() - terminalTotal();
        cancelling = true;
    }

    /**
     * After the design's cancel returned: items it never reported (stuck: their work ignored cancellation) are
     * unfinished too (losers excepted), censored at the current time, and so are their undecided requests. They
     * stay non-terminal (conservation reports them). Returns how many items were censored here.
     */
    public long censorStuck() {
        long now = clock.getAsLong();
        List<Item> stuck = new ArrayList<>(inFlight.values());
        Set<Long> requestsSeen = new HashSet<>();
        for (Item item : stuck) {
            long intended = item.intendedStartNanos();
            LittlesLaw.Accumulator l = little;
            if (l != null) l.exited(intended, Math.max(intended, now));
            if (hasLosers && joins.decided(item.request())) continue; // a stuck loser: nobody waits for it
            unfinished.increment();
            boolean window = inWindow(intended);
            if (window) censor(response, censoredResponse, now, intended);
            if (request != null && window && requestsSeen.add(item.request()) && !joins.decided(item.request()))
                censor(request, censoredRequest, now, intended);
        }
        return stuck.size();
    }

    // ---- figures (single reader)

    public long submitted() { return submitted.sum(); }
    public long windowOffered() { return windowOffered.sum(); }
    public long of(Outcome o) { return terminal[o.ordinal()].sum(); }
    public long windowOf(Outcome o) { return windowTerminal[o.ordinal()].sum(); }
    public long completedInWindow() { return completedInWindow.sum(); }
    public long duplicates() { return duplicates.sum(); }
    /** Items that ended without completing after the point's cancel began, plus stuck ones. */
    public long unfinished() { return unfinished.sum(); }
    public long censoredResponse() { return censoredResponse.sum(); }
    public long censoredRequest() { return censoredRequest.sum(); }
    public long requestsSucceeded() { return requestsSucceeded.sum(); }
    public long requestsFailed() { return requestsFailed.sum(); }
    public long inFlight() { return submitted.sum() - terminalTotal(); }
    /** Items in flight when {@link #beginCancel} ran, or -1 before. */
    public long inFlightAtCancel() { return inFlightAtCancel; }
    public long cancelledAfterCancel() { return cancelledAfterCancel.sum(); }
    public long finishedAfterCancel() { return finishedAfterCancel.sum(); }
    public long cancelAtNanos() { return cancelAt; }
    /** Whether requests have losers (fan-out > 1 and a first or quorum join). */
    public boolean hasLosers() { return hasLosers; }
    /** Items that ended CANCELLED after their request had been decided. */
    public long losersCancelled() { return losersCancelled.sum(); }
    /** Items that ended otherwise (completed, failed, ...) after their request had been decided. */
    public long losersFinished() { return losersFinished.sum(); }
    /** Time from each loser's request decision to the loser's end, or null when requests have no losers. */
    public LatencyProbe loserAfterDecision() { return loserAfterDecision; }

    public long terminalTotal() {
        long s = 0;
        for (LongAdder a : terminal) s += a.sum();
        return s;
    }

    /** Little's law over the window (complete once every item has ended or been censored). */
    public LittlesLaw.Check little() {
        LittlesLaw.Accumulator l = little;
        if (l == null) throw new IllegalStateException("little: the window was never opened (call openWindow before the first submit)");
        return l.check();
    }

    public LatencyProbe liveResponse() { return liveResponse; }
    public LatencyProbe response() { return response; }
    /** Items beyond the duplicate check's capacity, accepted unchecked ({@link SeenSet#unchecked()}). */
    public long uncheckedDuplicates() { return seen.unchecked(); }
    public LatencyProbe service() { return service; }
    /** The request population, or null without scatter-gather. */
    public LatencyProbe request() { return request; }
    public TopKeys windowKeys() { return windowKeys; }
    public TopKeys intervalKeys() { return intervalKeys; }
    public DeadLetters deadLetters() { return deadLetters; }
    public int fanout() { return k; }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) a[i] = new LongAdder();
        return a;
    }
}
