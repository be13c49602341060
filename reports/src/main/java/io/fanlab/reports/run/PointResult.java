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
        boolean valid, List<String> warnings, List<SloVerdict> slos, ErlangC erlangC, Counters counters,
        Capture capture) {

    public static final String OK = "ok", FAILED = "failed", CRASHED = "crashed", ABORTED = "aborted";

    /** Latency summary in milliseconds. */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {}

    public record Stage(String name, int width, Latency serviceMs, Latency queueMs, double utilisation) {}

    /** Little's law: measured time-average L vs lambda x W. */
    public record Little(double l, double lambda, double wS, double lComputed, double relError) {}

    public record Generator(double lagP50Us, double lagP99Us, double lagMaxUs, long missedStarts, boolean fellBehind) {}

    public record SloVerdict(String name, String kind, Double limit, Double actual, String unit, boolean pass, Double margin) {}

    /**
     * The M/M/c prediction from the scenario's nominal service time, and the same prediction "calibrated" with the
     * service time this machine actually delivered (sleeps overshoot), which isolates the queueing behaviour.
     */
    public record ErlangC(int c, double lambda, double mu, double meanMs, double p99Ms, double waitProbability,
                          Double calibratedMu, Double calibratedMeanMs, Double calibratedP99Ms) {}

    public record Counters(long retries, long hedges, long hedgesWon) {}

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
     * @param allocRateMbS      MiB/s allocated, estimated from jdk.ObjectAllocationSample weights
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

    /** One stage over the window, from the engine's fanlab.StageWindow events: busy share and the busiest worker's item share. */
    public record StageWindow(String stage, long items, double utilisation, double busiestWorkerShare, double busyPerItemUs) {}

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
        return new PointResult(id, design, width, repeat, status, error, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0,
                null, null, null, List.of(), null, false, 0, List.of(), null, null, false, List.of(status + ": " + error),
                List.of(), null, null, null);
    }
}
