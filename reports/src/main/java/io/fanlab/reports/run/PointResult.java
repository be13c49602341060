package io.fanlab.reports.run;

import java.util.List;

/**
 * One sweep point's record, serialised as {@code points/<id>/point.json} and inside {@code results.json}
 * (snake_case; see reports/RESULTS.md). Latencies in ms, rates per second.
 */
public record PointResult(
        String id, String design, int width, int repeat, String status, String error,
        double measureS, long offered, long completed, long failed, long shed, long timedOut, long cancelled,
        long deadLettered, double throughput, Double intendedRate, double achievedRate,
        Latency responseMs, Latency serviceMs, Latency requestMs, List<Stage> stages, Little little,
        boolean conservationOk, long leakedThreads, List<String> leakedThreadNames, Double cancelMs, Generator generator,
        boolean valid, List<String> warnings, List<SloVerdict> slos, ErlangC erlangC, Counters counters) {

    public static final String OK = "ok", FAILED = "failed", CRASHED = "crashed", ABORTED = "aborted";

    /** Latency summary in milliseconds. */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {}

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

    public record Counters(long retries, long hedges, long hedgesWon) {}

    /** A point that produced no measurements (crashed, aborted, failed to start). */
    public static PointResult failedPoint(String id, String design, int width, int repeat, String status, String error) {
        return new PointResult(id, design, width, repeat, status, error, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0,
                null, null, null, List.of(), null, false, 0, List.of(), null, null, false, List.of(status + ": " + error),
                List.of(), null, null);
    }
}
