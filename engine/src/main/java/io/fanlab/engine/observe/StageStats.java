package io.fanlab.engine.observe;

import io.fanlab.engine.resilience.AttemptLedger;

import java.util.List;

/**
 * A snapshot of one stage: counters since start and gauges at the time of the snapshot.
 *
 * @param name          stage name
 * @param width         current number of workers
 * @param in            items offered to the stage (including those shed at admission)
 * @param out           items that left the stage with a result
 * @param errors        items whose work failed after retries (ended FAILED or DEAD_LETTERED)
 * @param shed          items shed by admission (full queue) or by the queue deadline
 * @param timeouts      items whose last attempt timed out
 * @param retries       retry attempts made (attempts after the first, hedges not counted)
 * @param hedges        hedged attempts sent
 * @param hedgesWon     items whose result came from the hedged attempt
 * @param cancelled     items that ended CANCELLED in this stage
 * @param inflight      items admitted and not yet terminal or passed on (queued, in service or in the reorder buffer)
 * @param queueDepth    items waiting in the input queue(s)
 * @param currentLimit  current concurrency limit: {@code min(limit, width)} with a limit, else the width
 * @param reorderDepth  finished items held back by the reorder buffer waiting for an earlier item (0 if unordered)
 * @param workers       per-worker counters of the current workers
 * @param tally         the stage's conservation record
 * @param serviceTimes  service times of every item a worker ran, since the stage started (all workers, past ones
 *                      included), recorded only while {@link ServiceTimeSampling#isOn()}; {@link ServiceTimes#EMPTY}
 *                      when never on
 * @param attempts      what the stage's attempt runner counted (hedges denied by the limit, losers cancelled, hedge
 *                      firing errors); {@link AttemptLedger.Snapshot#NONE} for a stage without timeout, retry or
 *                      hedge
 */
public record StageStats(String name, int width, long in, long out, long errors, long shed, long timeouts, long retries,
                         long hedges, long hedgesWon, long cancelled, long inflight, int queueDepth, int currentLimit, int reorderDepth,
                         List<WorkerStats> workers, Tally tally, ServiceTimes serviceTimes, AttemptLedger.Snapshot attempts) {
    public StageStats {
        workers = List.copyOf(workers);
        if (serviceTimes == null) serviceTimes = ServiceTimes.EMPTY;
        if (attempts == null) attempts = AttemptLedger.Snapshot.NONE;
    }

    /** A snapshot without service times and attempt figures. */
    public StageStats(String name, int width, long in, long out, long errors, long shed, long timeouts, long retries,
                      long hedges, long hedgesWon, long cancelled, long inflight, int queueDepth, int currentLimit, int reorderDepth,
                      List<WorkerStats> workers, Tally tally) {
        this(name, width, in, out, errors, shed, timeouts, retries, hedges, hedgesWon, cancelled, inflight, queueDepth, currentLimit,
                reorderDepth, workers, tally, ServiceTimes.EMPTY, AttemptLedger.Snapshot.NONE);
    }

    /** A snapshot without service times. */
    public StageStats(String name, int width, long in, long out, long errors, long shed, long timeouts, long retries,
                      long hedges, long hedgesWon, long cancelled, long inflight, int queueDepth, int currentLimit, int reorderDepth,
                      List<WorkerStats> workers, Tally tally, AttemptLedger.Snapshot attempts) {
        this(name, width, in, out, errors, shed, timeouts, retries, hedges, hedgesWon, cancelled, inflight, queueDepth, currentLimit,
                reorderDepth, workers, tally, ServiceTimes.EMPTY, attempts);
    }

    /** A snapshot without attempt figures. */
    public StageStats(String name, int width, long in, long out, long errors, long shed, long timeouts, long retries,
                      long hedges, long hedgesWon, long cancelled, long inflight, int queueDepth, int currentLimit, int reorderDepth,
                      List<WorkerStats> workers, Tally tally, ServiceTimes serviceTimes) {
        this(name, width, in, out, errors, shed, timeouts, retries, hedges, hedgesWon, cancelled, inflight, queueDepth, currentLimit,
                reorderDepth, workers, tally, serviceTimes, AttemptLedger.Snapshot.NONE);
    }
}
