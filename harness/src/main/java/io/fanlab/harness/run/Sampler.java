package io.fanlab.harness.run;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.probe.LatencyProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The point's reporter thread ({@code fanlab-sampler}): every 100 ms it samples the design's gauges and the number
 * of items in the system; every second it flips the live response-time probe into an interval
 * row (the time series of the report) and reports progress. Single thread; {@link #rows()} and the window
 * accessors are read after the thread has been joined.
 */
final class Sampler implements Runnable {
    private final RunningDesign design;
    private final PointRunner.Tallies t;
    private final LatencyProbe live;
    private final long[] window;
    private final long runStart;
    private final double totalS;
    private final Progress.Listener progress;
    private final String pointId;
    private volatile boolean stop;

    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<Histogram> intervals = new ArrayList<>();
    private Histogram[] stageServiceWindow = new Histogram[0];
    private Histogram[] stageQueueWindow = new Histogram[0];
    private long[] busyAtStart = new long[0];
    private long[] busyInWindow = new long[0];

    private final double rowOffsetS;

    /** @param rowOffsetS seconds from the point's {@code point_start} event to {@code runStart}, added to every row's t_s */
    Sampler(RunningDesign design, PointRunner.Tallies t, LatencyProbe live, long[] window, long runStart, double rowOffsetS,
            double totalS, Progress.Listener progress, String pointId) {
        this.rowOffsetS = rowOffsetS;
        this.design = design;
        this.t = t;
        this.live = live;
        this.window = window;
        this.runStart = runStart;
        this.totalS = totalS;
        this.progress = progress;
        this.pointId = pointId;
    }

    void stop() { stop = true; }

    @Override public void run() {
        long next = runStart + PointRunner.SAMPLE_NANOS;
        int n = 0;
        long lastInterval = runStart;
        long[] lastCounts = new long[Outcome.values().length];
        long lastSubmitted = 0;
        long maxQueue = -1, maxInflight = -1, lastLimit = -1, maxReorder = -1;
        long lastRetries = 0, lastHedges = 0;
        while (!stop) {
            long now;
            while ((now = System.nanoTime()) < next && !stop) LockSupport.parkNanos(next - now);
            if (stop) break;
            RunningDesign.Gauges g;
            try {
                g = design.gauges();
            } catch (RuntimeException e) {
                g = RunningDesign.Gauges.UNKNOWN;
            }
            maxQueue = Math.max(maxQueue, g.queueDepth());
            maxInflight = Math.max(maxInflight, g.inflight());
            lastLimit = g.limit();
            maxReorder = Math.max(maxReorder, g.reorderDepth());
            long inSystem = t.submitted.sum() - t.terminalTotal();
            next += PointRunner.SAMPLE_NANOS;
            if (++n % PointRunner.SAMPLES_PER_INTERVAL == 0) {
                Histogram h = live.flipInterval();
                h.setStartTimeStamp((lastInterval - runStart) / 1_000_000);
                h.setEndTimeStamp((now - runStart) / 1_000_000);
                intervals.add(h);
                double dt = (now - lastInterval) / 1e9;
                long[] counts = new long[Outcome.values().length];
                for (Outcome o : Outcome.values()) counts[o.ordinal()] = t.terminal[o.ordinal()].sum();
                long submitted = t.submitted.sum();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("t_s", round((now - runStart) / 1e9 + rowOffsetS));
                row.put("throughput", round((counts[Outcome.COMPLETED.ordinal()] - lastCounts[Outcome.COMPLETED.ordinal()]) / dt));
                row.put("offered", round((submitted - lastSubmitted) / dt));
                row.put("p50_ms", h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(50) / 1000.0);
                row.put("p99_ms", h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99) / 1000.0);
                row.put("max_ms", h.getTotalCount() == 0 ? -1 : h.getMaxValue() / 1000.0);
                row.put("queue_depth", maxQueue);
                row.put("inflight", maxInflight);
                row.put("in_system", inSystem);
                row.put("limit", lastLimit);
                row.put("reorder_depth", maxReorder);
                row.put("errors", delta(counts, lastCounts, Outcome.FAILED) + delta(counts, lastCounts, Outcome.DEAD_LETTERED));
                row.put("shed", delta(counts, lastCounts, Outcome.SHED));
                row.put("timeouts", delta(counts, lastCounts, Outcome.TIMED_OUT));
                RunningDesign.PolicyCounters pc;
                try {
                    pc = design.policyCounters();
                } catch (RuntimeException e) {
                    pc = RunningDesign.PolicyCounters.UNKNOWN;
                }
                row.put("retries", pc.retries() < 0 ? -1 : pc.retries() - lastRetries);
                row.put("hedges", pc.hedges() < 0 ? -1 : pc.hedges() - lastHedges);
                lastRetries = Math.max(0, pc.retries());
                lastHedges = Math.max(0, pc.hedges());
                rows.add(row);
                String phase = now < window[0] ? "warmup" : now < window[1] ? "measure" : "cooldown";
                progress.progress(new Progress(pointId, (now - runStart) / 1e9, totalS, phase, (double) row.get("throughput"),
                        (double) row.get("p99_ms"), maxInflight));
                lastCounts = counts;
                lastSubmitted = submitted;
                lastInterval = now;
                maxQueue = maxInflight = maxReorder = -1;
            }
        }
    }

    private static long delta(long[] now, long[] before, Outcome o) { return now[o.ordinal()] - before[o.ordinal()]; }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }

    /** Called once when the measured window opens: discards what the stage probes saw during warmup. */
    void windowStarted(LatencyProbe[] service, LatencyProbe[] queue, LongAdder[] busy) {
        busyAtStart = new long[busy.length];
        for (int i = 0; i < busy.length; i++) {
            service[i].flipInterval();
            queue[i].flipInterval();
            busyAtStart[i] = busy[i].sum();
        }
    }

    /** Called once when the measured window closes: keeps what the stage probes saw inside it. */
    void windowEnded(LatencyProbe[] service, LatencyProbe[] queue, LongAdder[] busy) {
        busyInWindow = new long[busy.length];
        stageServiceWindow = new Histogram[busy.length];
        stageQueueWindow = new Histogram[busy.length];
        for (int i = 0; i < busy.length; i++) {
            stageServiceWindow[i] = service[i].flipInterval();
            stageQueueWindow[i] = queue[i].flipInterval();
            busyInWindow[i] = busy[i].sum() - (i < busyAtStart.length ? busyAtStart[i] : 0);
        }
    }

    Histogram stageServiceWindow(int i) { return stageServiceWindow[i]; }
    Histogram stageQueueWindow(int i) { return stageQueueWindow[i]; }
    double stageBusyInWindow(int i) { return i < busyInWindow.length ? busyInWindow[i] : 0; }
    List<Map<String, Object>> rows() { return rows; }
    List<Histogram> intervalHistograms() { return intervals; }
}
