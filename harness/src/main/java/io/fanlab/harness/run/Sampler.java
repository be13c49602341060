package io.fanlab.harness.run;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.measure.CompletionSink;
import io.fanlab.harness.measure.TopKeys;
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
 * row (the time series of the report), flips the point's response population into the HdrHistogram log's next
 * interval, adds per-worker counters and the interval's hot keys, and reports progress. Single thread;
 * {@link #rows()} and the window accessors are read after the thread has been joined.
 */
final class Sampler implements Runnable {
    private final RunningDesign design;
    private final CompletionSink t;
    private final LatencyProbe live;
    private final List<Histogram> responseIntervals = new ArrayList<>();
    private long lastResponseFlip;
    private long reorderMax = -1, reorderSum, reorderSamples;
    private volatile List<RunningDesign.StageWorkers> workersAtStart = List.of();
    private List<RunningDesign.StageWorkers> workersAtEnd = List.of();
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
    Sampler(RunningDesign design, CompletionSink t, long[] window, long runStart, double rowOffsetS,
            double totalS, Progress.Listener progress, String pointId) {
        this.lastResponseFlip = runStart;
        this.rowOffsetS = rowOffsetS;
        this.design = design;
        this.t = t;
        this.live = t.liveResponse();
        this.window = window;
        this.runStart = runStart;
        this.totalS = totalS;
        this.progress = progress;
        this.pointId = pointId;
    }

    void stop() { stop = true; }

    /** Called on the sampler thread once per interval, after the response flip ({@code now}: System.nanoTime()). */
    @FunctionalInterface
    interface Watch { void afterInterval(long now); }

    private volatile Watch watch;

    /** Sets the watch ({@link EarlyStop}) the sampler calls once per interval; before the sampler thread starts. */
    void watch(Watch w) { this.watch = w; }

    @Override public void run() {
        long next = runStart + PointRunner.SAMPLE_NANOS;
        int n = 0;
        long lastInterval = runStart;
        long[] lastCounts = new long[Outcome.values().length];
        long lastSubmitted = 0;
        long maxQueue = -1, maxInflight = -1, lastLimit = -1, maxReorder = -1;
        long lastRetries = 0, lastHedges = 0;
        List<RunningDesign.StageWorkers> lastWorkers = workers();
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
            if (now >= window[0] && now < window[1] && g.reorderDepth() >= 0) {
                reorderMax = Math.max(reorderMax, g.reorderDepth());
                reorderSum += g.reorderDepth();
                reorderSamples++;
            }
            long inSystem = t.inFlight();
            next += PointRunner.SAMPLE_NANOS;
            if (++n % PointRunner.SAMPLES_PER_INTERVAL == 0) {
                Histogram h = live.flipInterval();
                h.setStartTimeStamp((lastInterval - runStart) / 1_000_000);
                h.setEndTimeStamp((now - runStart) / 1_000_000);
                intervals.add(h);
                flipResponse(now);
                Watch w = watch;
                if (w != null) w.afterInterval(now);
                double dt = (now - lastInterval) / 1e9;
                long[] counts = new long[Outcome.values().length];
                for (Outcome o : Outcome.values()) counts[o.ordinal()] = t.of(o);
                long submitted = t.submitted();
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
                List<RunningDesign.StageWorkers> nowWorkers = workers();
                if (!nowWorkers.isEmpty()) row.put("workers", workerRows(lastWorkers, nowWorkers, now - lastInterval));
                lastWorkers = nowWorkers;
                List<Map<String, Object>> keys = new ArrayList<>();
                for (TopKeys.KeyCount kc : t.intervalKeys().top(3, true))
                    keys.add(new LinkedHashMap<>(Map.of("key", kc.key(), "count", kc.count())));
                if (!keys.isEmpty()) row.put("top_keys", keys);
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

    /** Flips the point's response population (intended starts in the window) into the log's next interval. */
    void flipResponse(long now) {
        Histogram r = t.response().flipInterval();
        r.setStartTimeStamp((lastResponseFlip - runStart) / 1_000_000);
        r.setEndTimeStamp((now - runStart) / 1_000_000);
        lastResponseFlip = now;
        if (r.getTotalCount() > 0) responseIntervals.add(r);
    }

    /** The response population's intervals (timestamps in ms since the point's start); complete after the final flip. */
    List<Histogram> responseIntervals() { return responseIntervals; }

    /** Reorder-buffer depth over the window: {max, sum, samples}, max -1 when the design does not know it. */
    long[] reorder() { return new long[] {reorderMax, reorderSum, reorderSamples}; }

    List<RunningDesign.StageWorkers> workersAtStart() { return workersAtStart; }
    List<RunningDesign.StageWorkers> workersAtEnd() { return workersAtEnd; }

    private List<RunningDesign.StageWorkers> workers() {
        try {
            return design.workers();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Per stage: items per worker in the interval and each worker's busy share of it. */
    static List<Map<String, Object>> workerRows(List<RunningDesign.StageWorkers> before, List<RunningDesign.StageWorkers> after, long elapsedNanos) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunningDesign.StageWorkers a : after) {
            RunningDesign.StageWorkers b = before.stream().filter(x -> x.stage().equals(a.stage())).findFirst().orElse(null);
            List<Long> items = new ArrayList<>();
            List<Double> busy = new ArrayList<>();
            for (int i = 0; i < a.items().size(); i++) {
                long i0 = b != null && i < b.items().size() ? b.items().get(i) : 0;
                long n0 = b != null && i < b.busyNanos().size() ? b.busyNanos().get(i) : 0;
                items.add(Math.max(0, a.items().get(i) - i0));
                busy.add(elapsedNanos <= 0 ? 0 : round(Math.min(1, Math.max(0, a.busyNanos().get(i) - n0) / (double) elapsedNanos)));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", a.stage());
            m.put("items", items);
            m.put("busy", busy);
            out.add(m);
        }
        return out;
    }

    /** Called once when the measured window opens: discards what the stage probes saw during warmup. */
    void windowStarted(LatencyProbe[] service, LatencyProbe[] queue, LongAdder[] busy) {
        workersAtStart = workers();
        busyAtStart = new long[busy.length];
        for (int i = 0; i < busy.length; i++) {
            service[i].flipInterval();
            queue[i].flipInterval();
            busyAtStart[i] = busy[i].sum();
        }
    }

    /** Called once when the measured window closes: keeps what the stage probes saw inside it. */
    void windowEnded(LatencyProbe[] service, LatencyProbe[] queue, LongAdder[] busy) {
        workersAtEnd = workers();
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
