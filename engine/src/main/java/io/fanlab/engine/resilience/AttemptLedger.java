package io.fanlab.engine.resilience;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what an {@link AttemptRunner} did, for a stage's metrics. Writers are the attempt runner on many
 * worker threads ({@link LongAdder}s, contention-free); {@link #snapshot()} may be called from any thread and is not
 * atomic across counters (each value is exact, they may be read at slightly different moments).
 */
public final class AttemptLedger {
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder hedgesSent = new LongAdder();
    private final LongAdder hedgesWon = new LongAdder();
    private final LongAdder hedgeLosersCancelled = new LongAdder();
    private final LongAdder retriesDeniedByBudget = new LongAdder();
    private final LongAdder hedgesDeniedByBudget = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    /**
     * @param attempts              attempts started: first attempts plus retries (hedges are counted only in
     *                              {@code hedgesSent})
     * @param retries               retries started
     * @param hedgesSent            hedged duplicates started
     * @param hedgesWon             hedges whose result won the race
     * @param hedgeLosersCancelled  attempts cancelled because the other one of a hedged pair won
     * @param retriesDeniedByBudget retries not made because the retry budget was empty
     * @param hedgesDeniedByBudget  hedges not sent because the hedge budget was empty
     * @param timeouts              attempts (primary or hedge) cancelled by the per-attempt timeout
     */
    public record Snapshot(long attempts, long retries, long hedgesSent, long hedgesWon, long hedgeLosersCancelled,
                           long retriesDeniedByBudget, long hedgesDeniedByBudget, long timeouts) {}

    public Snapshot snapshot() {
        return new Snapshot(attempts.sum(), retries.sum(), hedgesSent.sum(), hedgesWon.sum(), hedgeLosersCancelled.sum(),
                retriesDeniedByBudget.sum(), hedgesDeniedByBudget.sum(), timeouts.sum());
    }

    void attempt() { attempts.increment(); }
    void retry() { retries.increment(); }
    void hedgeSent() { hedgesSent.increment(); }
    void hedgeWon() { hedgesWon.increment(); }
    void hedgeLoserCancelled() { hedgeLosersCancelled.increment(); }
    void retryDeniedByBudget() { retriesDeniedByBudget.increment(); }
    void hedgeDeniedByBudget() { hedgesDeniedByBudget.increment(); }
    void timeout() { timeouts.increment(); }

    @Override public String toString() { return snapshot().toString(); }
}
