package io.fanlab.reports.run;

import java.util.List;

/**
 * One sweep point's record, serialised as {@code points/<id>/point.json} and inside {@code results.json}
 * (snake_case; see reports/RESULTS.md). Latencies in ms, rates per second. {@code handoffMs}: submit to the first
 * stage's start of the window's items that found a free worker at submit (null: none did, or an older record).
 */
public record PointResult(
        String id, String design, int width, int repeat, String status, String error,
        double measureS, long offered, long completed, long failed, long shed, long timedOut, long cancelled,
        long deadLettered, double throughput, Double intendedRate, double achievedRate,
        Latency responseMs, Latency serviceMs, Latency requestMs, List<Stage> stages, Little little,
        boolean conservationOk, long leakedThreads, List<String> leakedThreadNames, Double cancelMs, Generator generator,
        boolean valid, List<String> warnings, List<SloVerdict> slos, ErlangC erlangC, Counters counters,
        Validity validity, SelfTest selfTest,
        long unfinished, Requests requests, Cancellation cancellation, Reorder reorderDepth, List<Workers> workers,
        List<KeyCount> topKeys, long deadLettersWritten, Capture capture, List<GraphNode> graph, Losers losers,
        Latency handoffMs, String stoppedEarly, Double stoppedAtS) {

    /**
     * One route or loop of the pipeline and how items left it: {@code exits} and {@code passes} over the whole point
     * (warmup, window and cooldown), {@code windowExits} and {@code windowPasses} over the items intended in the
     * measured window (the population of {@code responseMs}), like every other figure of the point.
     *
     * @param node         the route's or loop's name in the scenario
     * @param kind         {@code route} or {@code loop}
     * @param exits        the whole point: a route: items that took path {@code a} and {@code b}; a loop: items that
     *                     left because the draw said so ({@code done}) and because they reached the bound ({@code bound})
     * @param passes       the whole point: a loop's passes through its body (so passes / (done + bound) is passes per
     *                     item); a route: 0
     * @param windowExits  the same exits for the window's items; null in records written before the field
     * @param windowPasses the same passes for the window's items; null in records written before the field
     */
    public record GraphNode(String node, String kind, java.util.Map<String, Long> exits, long passes,
                            java.util.Map<String, Long> windowExits, Long windowPasses) {}

    public static final String OK = "ok", FAILED = "failed", CRASHED = "crashed", ABORTED = "aborted";

    /**
     * A builder of a point record whose setters name the fields (the record has 47 positional components). Unset
     * fields hold what a record written before the field existed reads as: null objects and boxed numbers, 0 counts
     * and figures, {@code false}; lists are empty (such a record reads them as null, which readers take as empty:
     * {@code PointRecord.each}); {@code status} is {@link #OK}.
     */
    public static Builder builder(String id, String design, int width, int repeat) {
        return new Builder().id(id).design(design).width(width).repeat(repeat);
    }

    /** A builder holding every field of this record (change some, {@link Builder#build} a new one). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.design = design;
        b.width = width;
        b.repeat = repeat;
        b.status = status;
        b.error = error;
        b.measureS = measureS;
        b.offered = offered;
        b.completed = completed;
        b.failed = failed;
        b.shed = shed;
        b.timedOut = timedOut;
        b.cancelled = cancelled;
        b.deadLettered = deadLettered;
        b.throughput = throughput;
        b.intendedRate = intendedRate;
        b.achievedRate = achievedRate;
        b.responseMs = responseMs;
        b.serviceMs = serviceMs;
        b.requestMs = requestMs;
        b.stages = stages;
        b.little = little;
        b.conservationOk = conservationOk;
        b.leakedThreads = leakedThreads;
        b.leakedThreadNames = leakedThreadNames;
        b.cancelMs = cancelMs;
        b.generator = generator;
        b.valid = valid;
        b.warnings = warnings;
        b.slos = slos;
        b.erlangC = erlangC;
        b.counters = counters;
        b.validity = validity;
        b.selfTest = selfTest;
        b.unfinished = unfinished;
        b.requests = requests;
        b.cancellation = cancellation;
        b.reorderDepth = reorderDepth;
        b.workers = workers;
        b.topKeys = topKeys;
        b.deadLettersWritten = deadLettersWritten;
        b.capture = capture;
        b.graph = graph;
        b.losers = losers;
        b.handoffMs = handoffMs;
        b.stoppedEarly = stoppedEarly;
        b.stoppedAtS = stoppedAtS;
        return b;
    }

    /** This record with {@code slos} as its SLO verdicts. */
    public PointResult withSlos(List<SloVerdict> slos) { return toBuilder().slos(slos).build(); }

    /** Builds a {@link PointResult} field by field; see {@link PointResult#builder}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private String design;
        private int width;
        private int repeat;
        private String status = OK;
        private String error;
        private double measureS;
        private long offered;
        private long completed;
        private long failed;
        private long shed;
        private long timedOut;
        private long cancelled;
        private long deadLettered;
        private double throughput;
        private Double intendedRate;
        private double achievedRate;
        private Latency responseMs;
        private Latency serviceMs;
        private Latency requestMs;
        private List<Stage> stages = List.of();
        private Little little;
        private boolean conservationOk;
        private long leakedThreads;
        private List<String> leakedThreadNames = List.of();
        private Double cancelMs;
        private Generator generator;
        private boolean valid;
        private List<String> warnings = List.of();
        private List<SloVerdict> slos = List.of();
        private ErlangC erlangC;
        private Counters counters;
        private Validity validity;
        private SelfTest selfTest;
        private long unfinished;
        private Requests requests;
        private Cancellation cancellation;
        private Reorder reorderDepth;
        private List<Workers> workers = List.of();
        private List<KeyCount> topKeys = List.of();
        private long deadLettersWritten;
        private Capture capture;
        private List<GraphNode> graph = List.of();
        private Losers losers;
        private Latency handoffMs;
        private String stoppedEarly;
        private Double stoppedAtS;

        private Builder() {}

        public Builder id(String v) { id = v; return this; }
        public Builder design(String v) { design = v; return this; }
        public Builder width(int v) { width = v; return this; }
        public Builder repeat(int v) { repeat = v; return this; }
        public Builder status(String v) { status = v; return this; }
        public Builder error(String v) { error = v; return this; }
        public Builder measureS(double v) { measureS = v; return this; }
        public Builder offered(long v) { offered = v; return this; }
        public Builder completed(long v) { completed = v; return this; }
        public Builder failed(long v) { failed = v; return this; }
        public Builder shed(long v) { shed = v; return this; }
        public Builder timedOut(long v) { timedOut = v; return this; }
        public Builder cancelled(long v) { cancelled = v; return this; }
        public Builder deadLettered(long v) { deadLettered = v; return this; }
        public Builder throughput(double v) { throughput = v; return this; }
        public Builder intendedRate(Double v) { intendedRate = v; return this; }
        public Builder achievedRate(double v) { achievedRate = v; return this; }
        public Builder responseMs(Latency v) { responseMs = v; return this; }
        public Builder serviceMs(Latency v) { serviceMs = v; return this; }
        public Builder requestMs(Latency v) { requestMs = v; return this; }
        public Builder stages(List<Stage> v) { stages = v; return this; }
        public Builder little(Little v) { little = v; return this; }
        public Builder conservationOk(boolean v) { conservationOk = v; return this; }
        public Builder leakedThreads(long v) { leakedThreads = v; return this; }
        public Builder leakedThreadNames(List<String> v) { leakedThreadNames = v; return this; }
        public Builder cancelMs(Double v) { cancelMs = v; return this; }
        public Builder generator(Generator v) { generator = v; return this; }
        public Builder valid(boolean v) { valid = v; return this; }
        public Builder warnings(List<String> v) { warnings = v; return this; }
        public Builder slos(List<SloVerdict> v) { slos = v; return this; }
        public Builder erlangC(ErlangC v) { erlangC = v; return this; }
        public Builder counters(Counters v) { counters = v; return this; }
        public Builder validity(Validity v) { validity = v; return this; }
        public Builder selfTest(SelfTest v) { selfTest = v; return this; }
        public Builder unfinished(long v) { unfinished = v; return this; }
        public Builder requests(Requests v) { requests = v; return this; }
        public Builder cancellation(Cancellation v) { cancellation = v; return this; }
        public Builder reorderDepth(Reorder v) { reorderDepth = v; return this; }
        public Builder workers(List<Workers> v) { workers = v; return this; }
        public Builder topKeys(List<KeyCount> v) { topKeys = v; return this; }
        public Builder deadLettersWritten(long v) { deadLettersWritten = v; return this; }
        public Builder capture(Capture v) { capture = v; return this; }
        public Builder graph(List<GraphNode> v) { graph = v; return this; }
        public Builder losers(Losers v) { losers = v; return this; }
        public Builder handoffMs(Latency v) { handoffMs = v; return this; }
        public Builder stoppedEarly(String v) { stoppedEarly = v; return this; }
        public Builder stoppedAtS(Double v) { stoppedAtS = v; return this; }

        public PointResult build() {
            return new PointResult(id, design, width, repeat, status, error, measureS, offered, completed, failed, shed,
                    timedOut, cancelled, deadLettered, throughput, intendedRate, achievedRate, responseMs, serviceMs,
                    requestMs, stages, little, conservationOk, leakedThreads, leakedThreadNames, cancelMs, generator,
                    valid, warnings, slos, erlangC, counters, validity, selfTest, unfinished, requests, cancellation,
                    reorderDepth, workers, topKeys, deadLettersWritten, capture, graph, losers, handoffMs, stoppedEarly,
                    stoppedAtS);
        }
    }


    /**
     * Latency summary in milliseconds. {@code censored}: how many of the {@code count} values are lower bounds of
     * items that never finished (recorded at least at the window's end minus their intended start).
     */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max, long censored) {
        public Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {
            this(count, mean, p50, p90, p99, p999, max, 0);
        }
    }

    /** Scatter-gather requests (fan-out > 1): each decided once; {@code censored} = undecided when the point ended. */
    public record Requests(long offered, long succeeded, long failed, long censored) {}

    /**
     * The point's cancel, under load when the scenario's {@code phases.cancel} places it there.
     *
     * @param at             {@code after_cooldown}, {@code end_of_measure} or a duration on the point's timeline
     * @param startS         seconds since the point's start when the cancel began
     * @param inFlight       items in flight when it began
     * @param cancelled      items that then ended CANCELLED
     * @param finishedAnyway items that then completed anyway
     * @param quiesceMs      time until the design's cancel returned (everything quiet, or the bound passed)
     * @param stuck          items whose work ignored cancellation (never reported)
     * @param threadsAlive   threads the design started that were still alive right after cancel returned (before
     *                       the leak check's grace)
     */
    public record Cancellation(String at, double startS, long inFlight, long cancelled, long finishedAnyway, double quiesceMs,
                               long stuck, long threadsAlive) {}

    /**
     * The losers of a first or quorum scatter-gather join (null for fan-out 1 or join all): the items of a request
     * that ended after it was decided. The harness cancels them the moment their request is decided (a design that
     * cannot cancel one item lets them run). {@code cancelled + finishedAnyway} = every loser; a cancelled loser is
     * also one of the point's {@code cancelled} items (conservation is unchanged) and never an error.
     *
     * @param cancelled        losers that ended CANCELLED
     * @param finishedAnyway   losers that ended otherwise (mostly completed: the cancel came too late, or the design
     *                         cannot cancel)
     * @param afterDecisionMs  time from the request's decision to each loser's end
     */
    public record Losers(long cancelled, long finishedAnyway, Latency afterDecisionMs) {}

    /** The design's reorder-buffer depth over the measured window, sampled every 100 ms. */
    public record Reorder(long max, double mean) {}

    /**
     * One stage's workers over the measured window: items taken and busy share (busy time / window) per worker;
     * {@code itemSkew} = max / mean items (1 = even); {@code hottest} = index of the worker with most items.
     */
    public record Workers(String stage, List<Long> items, List<Double> busyShare, double itemSkew, int hottest) {}

    /** An offered key and its count over the measured window ({@code count - error <= true count <= count}). */
    public record KeyCount(long key, long count, long error) {}

    public record Stage(String name, int width, Latency serviceMs, Latency queueMs, double utilisation) {}

    /** Little's law: measured time-average L vs lambda x W. */
    public record Little(double l, double lambda, double wS, double lComputed, double relError) {}

    public record Generator(double lagP50Us, double lagP99Us, double lagMaxUs, long missedStarts, boolean fellBehind) {}

    /**
     * One SLO's verdict at a point. {@code name} states the limit ({@code "p99 response <= 50ms"}); {@code key} is the
     * name without the limit ({@code "p99 response"}), stable when a limit changes (JUnit test names, compare, history).
     */
    public record SloVerdict(String name, String kind, Double limit, Double actual, String unit, boolean pass, Double margin, String key) {
        /** A verdict without a key (the key is added by {@link #withKey}). */
        public SloVerdict(String name, String kind, Double limit, Double actual, String unit, boolean pass, Double margin) {
            this(name, kind, limit, actual, unit, pass, margin, null);
        }

        public SloVerdict withKey(String k) {
            return new SloVerdict(name, kind, limit, actual, unit, pass, margin, k);
        }
    }

    /**
     * The M/M/c prediction from the scenario's nominal service time, and the same prediction "calibrated" with the
     * service time this machine actually delivered (sleeps overshoot), which isolates the queueing behaviour.
     */
    public record ErlangC(int c, double lambda, double mu, double meanMs, double p99Ms, double waitProbability,
                          Double calibratedMu, Double calibratedMeanMs, Double calibratedP99Ms) {}

    /**
     * Attempt-policy counters (-1: the design does not count them). The fields after {@code hedgesWon} are null in
     * runs recorded before they existed and for designs that do not count them.
     *
     * @param hedgeLosersCancelled  attempts cancelled because the other one of a hedged pair won
     * @param hedgesDeniedByBudget  hedges not sent: the hedge budget was empty
     * @param hedgesDeniedByLimit   hedges not sent: the stage's concurrency limit had no free permit
     * @param hedgeFireMeanUs       mean firing error of the hedges sent (start of the hedge's work minus primary
     *                              start + delay), microseconds
     * @param hedgeFireP50Us        upper bound of the median firing error: the bound of its bucket (25, 50, 100,
     *                              200, 500 us, 1, 2, 5, 10 ms; -1 above 10 ms), microseconds
     * @param hedgeFireP99Us        the same for the 99th percentile
     * @param hedgeFireMaxUs        the largest firing error, microseconds
     * @param hedgeFireWithin200us  share of hedges that started less than 200 us late (1 when none was sent)
     * @param hedgeTimerMeanUs      the timer's part of the firing error: mean delay from the intended instant to the
     *                              timer deciding the hedge (sent or denied), microseconds
     * @param hedgeTimerWithin200us share of hedge deadlines the timer ran less than 200 us late
     */
    public record Counters(long retries, long hedges, long hedgesWon, Long hedgeLosersCancelled, Long hedgesDeniedByBudget,
                           Long hedgesDeniedByLimit, Double hedgeFireMeanUs, Long hedgeFireP50Us, Long hedgeFireP99Us,
                           Double hedgeFireMaxUs, Double hedgeFireWithin200us, Double hedgeTimerMeanUs,
                           Double hedgeTimerWithin200us) {
        public Counters(long retries, long hedges, long hedgesWon) {
            this(retries, hedges, hedgesWon, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * Why the point's figures are what they are (RESULTS.md, "Validity").
     *
     * @param state          {@code valid}, {@code saturated} (valid: the design pushed back on an open load, so the
     *                       figures measure the design at its capacity) or {@code invalid}
     * @param invalidReasons why the point is invalid; empty unless {@code state} is {@code invalid}
     * @param notStarted     open load: arrivals of the window not started by its end (never offered, counted here)
     * @param blockedShare   share of the load phases the generator spent blocked in the design's submit
     * @param otherCpuShare  share of the machine's CPU used by other processes during the measured window; null
     *                       when it cannot be measured (no /proc/stat)
     * @param steady         the steady-state check over the window's intervals
     * @param littleTolerance the Little's-law relative error above which the point is flagged
     */
    public record Validity(String state, List<String> invalidReasons, long notStarted, double blockedShare,
                           Double otherCpuShare, Steady steady, double littleTolerance) {}

    /**
     * Relative change of the last third of the measured window's intervals against the first third
     * ({@code (last - first) / first}); {@code p50ChangeMs} is the median's change in ms. Null fields when not
     * judged, with the reason in {@code notJudged}.
     */
    public record Steady(int intervals, Double throughputChange, Double throughputTolerance, Double p50Change,
                         Double p50ChangeMs, String notJudged) {}

    /**
     * The M/M/c self-test's verdict on this point: measured response against the Erlang C prediction.
     *
     * @param verdict   {@code pass}, {@code fail} or {@code not_judged} (utilisation above the judged bound)
     * @param basis     {@code calibrated} (prediction from the measured service mean) or {@code nominal}
     * @param rho       utilisation lambda / (c mu) on that basis
     * @param meanError (measured mean - predicted mean) / predicted mean
     * @param p99Error  (measured p99 - predicted p99) / predicted p99
     */
    public record SelfTest(String verdict, String basis, double rho, double meanError, double p99Error,
                           double meanBound, double p99Bound, double rhoBound) {}

    /**
     * What the point's JVM recorded about itself in the measured window (null: nothing was asked or the point
     * predates capture). Files are relative to the point's directory.
     *
     * @param windowS      seconds from capture start to stop (the measured window, give or take the start latency)
     * @param processCpuS  CPU seconds the point's JVM used in that time (all threads, GC included)
     * @param cores        available processors
     * @param jfrFile      the JFR recording, or null
     * @param jfr          its summary, or null
     * @param profiles     async-profiler outputs, one per event that ran
     * @param notCaptured  what was asked and not captured, with the reason (also a point warning)
     */
    public record Capture(double windowS, double processCpuS, int cores, String jfrFile, Jfr jfr, List<Profile> profiles,
                          List<String> notCaptured) {}

    /**
     * Summary of the window's JFR recording. Times in ms, rates per second, shares in [0, 1].
     *
     * @param gcCpuShare        GC threads' CPU time (jdk.GCCPUTime) / the process's CPU time
     * @param allocRateMbS      MiB/s allocated: per thread, jdk.ThreadAllocationStatistics bytes between its first and
     *                          last sample; estimated from jdk.ObjectAllocationSample weights when no thread has two
     * @param parkTotalMs       time threads spent parked for 10 ms or more (jdk.ThreadPark: idle waits included)
     * @param monitorTotalMs    time threads waited to enter a contended monitor for 1 ms or more
     * @param pinned            virtual-thread pinnings of 1 ms or more; sites name the reason where the JDK gives one
     * @param processCpu        the JVM's mean share of the machine's CPU (jdk.CPULoad jvmUser + jvmSystem)
     * @param machineCpu        the machine's mean CPU load, every process
     * @param contextSwitchRate the machine's context switches per second (jdk.ThreadContextSwitchRate, mean)
     * @param stageWindows      the engine's fanlab.StageWindow events in the recording (0 for other designs)
     */
    public record Jfr(double gcPauseTotalMs, double gcPauseMaxMs, long gcCount, double gcCpuShare, double allocRateMbS,
                      double safepointTotalMs, long safepointCount, double parkTotalMs, long parkCount, List<Site> parkSites,
                      double monitorTotalMs, long monitorCount, List<Site> monitorSites, long pinnedCount, double pinnedTotalMs,
                      List<Site> pinnedSites, double processCpu, double machineCpu, double contextSwitchRate,
                      long stageWindows, List<StageWindow> stages) {}

    /** Where waiting happened: the first frame outside the JDK ({@code class.method}) and what was waited on. */
    public record Site(String site, String on, long count, double totalMs) {}

    /**
     * One stage over the window, from the engine's fanlab.StageWindow events: busy share and the busiest worker's item
     * share; service-time percentiles (time in the stage's work per item) as the sample-weighted median over the
     * ~100 ms windows of each window's p50 and p99 (a typical window, not a percentile over the point), the max over
     * all of them; 0 with {@code serviceSamples == 0} (records written before the fields existed).
     */
    public record StageWindow(String stage, long items, double utilisation, double busiestWorkerShare, double busyPerItemUs,
                              long serviceSamples, double serviceP50Us, double serviceP99Us, double serviceMaxUs) {}

    /**
     * One async-profiler event of the window.
     *
     * @param event     as asked ({@code cpu}, {@code wall}, ...)
     * @param engine    what ran it ({@code cpu} may run as {@code itimer})
     * @param samples   samples (or allocation / lock events) in the profile
     * @param topFrames the frames with the most self samples, {@code class.method}, with their share
     */
    public record Profile(String event, String engine, String flameGraph, String collapsed, long samples, List<Frame> topFrames) {}

    /** A frame's share of a profile's samples. */
    public record Frame(String frame, double selfShare, double totalShare) {}

    /** A point that produced no measurements (crashed, aborted, failed to start). */
    public static PointResult failedPoint(String id, String design, int width, int repeat, String status, String error) {
        return builder(id, design, width, repeat).status(status).error(error).warnings(List.of(status + ": " + error)).build();
    }
}
