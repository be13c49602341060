package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.harness.capture.CaptureUnavailableException;
import io.fanlab.harness.capture.WindowCapture;
import io.fanlab.harness.design.Completions;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.probe.LatencyProbe;
import io.fanlab.harness.probe.SeenSet;
import io.fanlab.harness.probe.ThreadCensus;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.SloSpec;
import io.fanlab.harness.scenario.StageConfig;
import io.fanlab.harness.work.WorkSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one sweep point in this JVM: starts the design with the scenario's work, drives the load through the
 * warmup and the measured window, lets it drain for the cooldown, cancels what is left (measuring cancellation
 * latency), checks conservation and thread leaks, and builds the point's record.
 *
 * <h2>What is measured, and how</h2>
 * <ul>
 *   <li>Response time = completion - intended start (open model: the schedule's time, so a stalled system cannot
 *       hide queueing: no coordinated omission); service time = completion - first stage start. Both for items
 *       whose intended start lies in the measured window, whenever they complete (so the slowest items of the
 *       window are not cut off at its end).</li>
 *   <li>Throughput = completions inside the measured window / its length.</li>
 *   <li>Little's law: L = time-average of items in the system over the window, computed exactly as the sum of
 *       every item's time inside the window divided by its length (every item ends, cancel included, so the sum is
 *       complete), against lambda x W with lambda = offered rate in the window and W = mean time in system of the
 *       items that arrived in it (every outcome). They differ only by edge effects at the window's ends.</li>
 *   <li>Conservation: offered = completed + failed + shed + timed out + cancelled + dead-lettered, and no item is
 *       reported twice ({@link SeenSet}).</li>
 *   <li>Threads: a census (virtual threads included) before the design starts and after it is cancelled.</li>
 * </ul>
 * Threads owned here: the generator (open) or user threads (closed), {@code fanlab-sampler}, the fault schedule's;
 * all are joined before {@link #run()} returns.
 */
public final class PointRunner {
    static final long SAMPLE_NANOS = 100_000_000L;
    static final int SAMPLES_PER_INTERVAL = 10;
    static final Duration CANCEL_BOUND = Duration.ofSeconds(2);
    /** JVM and library housekeeping threads that may appear during a point without belonging to the design. */
    static final Pattern HOUSEKEEPING = Pattern.compile(
            "C[12] CompilerThread\\d*|Sweeper thread|Attach Listener|Common-Cleaner|process reaper|Signal Dispatcher|Finalizer|"
                    + "Reference Handler|Notification Thread|JFR.*|ForkJoinPool-\\d+-worker-\\d+|ForkJoinPool\\.commonPool-worker-\\d+|"
                    + "Monitor Deflation Thread|Service Thread|VM Periodic Task Thread|RMI.*|GC Thread.*|G1.*|Java2D.*|"
                    + "VirtualThread-unblocker|ForkJoinPool-\\d+-delayScheduler|InnocuousThread-\\d+|fanlab-sampler|fanlab-generator|fanlab-faults.*|fanlab-point-stdout|Read-Poller|Write-Poller|.*-Poller|"
                    // JDK 25's virtual-thread I/O pollers (JDK 21 names them Read-Poller / Write-Poller), started lazily
                    // the first time a virtual thread blocks on a socket: seen as "leaked" by the slow-downstream scenario
                    + "MasterPoller|SubPoller-\\d+");

    private final Scenario scenario;
    private final Design design;
    private final PointRequest req;
    private final EventLog events;
    private final Progress.Listener progress;
    private final Runnable onAbort;

    public PointRunner(Scenario scenario, Design design, PointRequest req, EventLog events, Progress.Listener progress, Runnable onAbort) {
        if (design == null) throw new IllegalArgumentException("design: '" + req.design() + "' is not on the classpath");
        this.scenario = scenario;
        this.design = design;
        this.req = req;
        this.events = events;
        this.progress = progress;
        this.onAbort = onAbort;
    }

    /** Counters shared by the completion sink and the sampler. */
    static final class Tallies {
        final LongAdder submitted = new LongAdder();
        final LongAdder[] terminal = adders(Outcome.values().length);
        final LongAdder[] windowTerminal = adders(Outcome.values().length);
        final LongAdder windowOffered = new LongAdder();
        final LongAdder completedInWindow = new LongAdder();
        final LongAdder sojournNanosInWindow = new LongAdder();
        /** Item-nanoseconds spent in the system inside the window, by every item (exact time integral of N(t)). */
        final LongAdder inSystemAreaNanos = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final SeenSet seen = new SeenSet();

        static LongAdder[] adders(int n) {
            LongAdder[] a = new LongAdder[n];
            for (int i = 0; i < n; i++) a[i] = new LongAdder();
            return a;
        }

        long terminalTotal() {
            long s = 0;
            for (LongAdder a : terminal) s += a.sum();
            return s;
        }

        long of(Outcome o) { return terminal[o.ordinal()].sum(); }
    }

    public PointResult run() throws Exception {
        Path dir = req.runDir().resolve("points").resolve(req.id());
        Files.createDirectories(dir);
        WindowCapture capture; // JFR + async-profiler of the measured window only (io.fanlab.harness.capture)
        try {
            capture = WindowCapture.prepare(scenario.capture(), dir, req.id());
        } catch (CaptureUnavailableException e) {
            return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.FAILED, e.getMessage());
        }
        List<StageConfig> cfg = scenario.pipeline();
        int swept = sweptStage();
        List<StageSpec> specs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < cfg.size(); i++) {
            StageSpec s = cfg.get(i).spec();
            specs.add(i == swept ? s.withWidth(req.width()) : s);
            names.add(s.name());
        }
        long phaseWarm = scenario.phases().warmup().toNanos();
        long phaseMeasure = scenario.phases().measure().toNanos();
        long phaseCool = scenario.phases().cooldown().toNanos();
        double totalS = (phaseWarm + phaseMeasure + phaseCool) / 1e9;

        PointEnvironment env = PointEnvironment.create(scenario, names);
        int k = Math.max(1, scenario.load().fanout());
        LatencyProbe liveResponse = new LatencyProbe();
        LatencyProbe response = new LatencyProbe();
        LatencyProbe service = new LatencyProbe();
        LatencyProbe request = k > 1 ? new LatencyProbe() : null;
        LatencyProbe[] stageService = new LatencyProbe[cfg.size()];
        LatencyProbe[] stageQueue = new LatencyProbe[cfg.size()];
        LongAdder[] stageBusy = Tallies.adders(cfg.size());
        for (int i = 0; i < cfg.size(); i++) {
            stageService[i] = new LatencyProbe();
            stageQueue[i] = new LatencyProbe();
        }
        Tallies t = new Tallies();
        long[] window = new long[2]; // [start, end) in nanoTime, set once the run starts
        Map<Long, AtomicInteger> joins = new ConcurrentHashMap<>();
        int joinAt = switch (scenario.load().join()) {
            case LoadSpec.Join.All a -> k;
            case LoadSpec.Join.First f -> 1;
            case LoadSpec.Join.Quorum q -> q.q();
        };

        List<StageWork> work = new ArrayList<>();
        for (int i = 0; i < cfg.size(); i++) {
            StageWork inner = env.work(i, cfg.get(i));
            final int stage = i;
            work.add((item, cancelled) -> {
                long start = System.nanoTime();
                long handoff = item.handoffNanos();
                if (handoff != 0) stageQueue[stage].recordNanos(start - handoff);
                try {
                    inner.run(item, cancelled);
                } finally {
                    long end = System.nanoTime();
                    stageService[stage].recordNanos(end - start);
                    stageBusy[stage].add(end - start);
                    item.markHandoff(end);
                }
            });
        }

        String[] captureFailure = new String[1];
        LoadDriver[] driverRef = new LoadDriver[1];
        Completions sink = (item, outcome, cause) -> {
            long now = System.nanoTime();
            if (!t.seen.add(item.seq())) {
                t.duplicates.increment();
                return;
            }
            t.terminal[outcome.ordinal()].increment();
            long intended = item.intendedStartNanos();
            long overlap = Math.min(now, window[1]) - Math.max(intended, window[0]);
            if (overlap > 0) t.inSystemAreaNanos.add(overlap);
            boolean inWindow = intended >= window[0] && intended < window[1];
            if (inWindow) {
                t.windowTerminal[outcome.ordinal()].increment();
                t.sojournNanosInWindow.add(Math.max(0, now - intended));
            }
            if (outcome == Outcome.COMPLETED) {
                long resp = now - intended;
                liveResponse.recordNanos(resp);
                if (now >= window[0] && now < window[1]) t.completedInWindow.increment();
                if (inWindow) {
                    response.recordNanos(resp);
                    long svcStart = item.serviceStartNanos();
                    service.recordNanos(svcStart == 0 ? 0 : now - svcStart);
                }
                if (request != null) {
                    AtomicInteger c = joins.computeIfAbsent(item.request(), r -> new AtomicInteger());
                    if (c.incrementAndGet() == joinAt && inWindow) request.recordNanos(resp);
                }
            }
            if (request != null && item.seq() % k == k - 1) joins.remove(item.request());
            LoadDriver d = driverRef[0];
            if (d != null) d.completed(item);
        };

        List<ThreadCensus.Seen> baseline = ThreadCensus.take();
        RunningDesign running = design.start(new DesignContext(specs, work, sink, swept));
        long runStart = System.nanoTime();
        long runStartEpochMs = System.currentTimeMillis();
        window[0] = runStart + phaseWarm;
        window[1] = runStart + phaseWarm + phaseMeasure;
        events.event("phase", req.id(), Map.of("name", "warmup", "point_t_s", 0.0));

        double rowOffsetS = req.pointStartEpochMs() == 0 ? 0 : (runStartEpochMs - req.pointStartEpochMs()) / 1000.0;
        Sampler sampler = new Sampler(running, t, liveResponse, window, runStart, rowOffsetS, totalS, progress, req.id());
        Thread samplerThread = Thread.ofPlatform().name("fanlab-sampler").daemon().start(sampler);
        var faults = env.startFaults(scenario.faults(), runStart, events, req.id(), onAbort);
        LoadDriver driver = LoadDriver.create(scenario, env.stream(), runStart, k, t, running);
        driverRef[0] = driver;
        Thread phaseMarker = Thread.ofPlatform().name("fanlab-phases").daemon().start(() -> {
            try {
                sleepUntil(window[0]);
                events.event("phase", req.id(), Map.of("name", "measure", "point_t_s", phaseWarm / 1e9));
                sampler.windowStarted(stageService, stageQueue, stageBusy);
                captureStart(capture, captureFailure);
            } catch (InterruptedException ignored) { }
        });
        LoadDriver.Stats gen;
        String error = null;
        try {
            gen = driver.run(phaseWarm + phaseMeasure);
        } catch (RuntimeException e) {
            error = "load generator failed: " + e;
            gen = driver.statsSoFar();
        }
        phaseMarker.interrupt();
        phaseMarker.join();
        sampler.windowEnded(stageService, stageQueue, stageBusy);
        capture.stop();
        events.event("phase", req.id(), Map.of("name", "cooldown", "point_t_s", (System.nanoTime() - runStart) / 1e9));

        long drainDeadline = System.nanoTime() + phaseCool;
        while (System.nanoTime() < drainDeadline && t.submitted.sum() > t.terminalTotal()) Thread.sleep(5);
        events.event("phase", req.id(), Map.of("name", "cancel", "point_t_s", (System.nanoTime() - runStart) / 1e9,
                "in_flight", t.submitted.sum() - t.terminalTotal()));
        RunningDesign.CancelResult cancel = running.cancel(CANCEL_BOUND);
        sampler.stop();
        samplerThread.join();
        faults.close();
        env.close();
        driver.close();

        List<ThreadCensus.Seen> leaked = awaitLeaks(baseline);
        events.event("phase", req.id(), Map.of("name", "end", "point_t_s", (System.nanoTime() - runStart) / 1e9));

        writeIntervals(dir, sampler);
        writeHlog(dir, sampler, runStart);

        // ---- the record
        double windowS = phaseMeasure / 1e9;
        long offered = t.submitted.sum();
        long windowOffered = t.windowOffered.sum();
        long windowTerminal = 0;
        for (LongAdder a : t.windowTerminal) windowTerminal += a.sum();
        double lambda = windowOffered / windowS;
        double wS = windowTerminal == 0 ? 0 : t.sojournNanosInWindow.sum() / 1e9 / windowTerminal;
        // exact: every item is terminal by now (cancel ended the rest), so the integral of N(t) over the window is complete
        double lMeasured = t.inSystemAreaNanos.sum() / (double) phaseMeasure;
        double lComputed = lambda * wS;
        PointResult.Little little = new PointResult.Little(lMeasured, lambda, wS, lComputed,
                lComputed == 0 ? 0 : (lMeasured - lComputed) / lComputed);
        boolean conservation = offered == t.terminalTotal() && t.duplicates.sum() == 0;

        List<String> warnings = new ArrayList<>(env.warnings(design.name()));
        boolean valid = true;
        // Validity follows k6's dropped iterations: a point is invalid when more than 1% of the window's starts were
        // missed (late by more than LoadDriver.MISSED_START, 10 ms) for reasons of the generator's own. Smaller
        // schedule jitter is reported but cannot hide latency: responses count from intended starts.
        boolean missedTooMany = gen.missedStarts() > io.fanlab.harness.load.GeneratorStats.FELL_BEHIND_MISSED_SHARE * Math.max(1, windowOffered);
        if (missedTooMany && gen.blockedShare() > 0.01) {
            warnings.add(String.format("the design pushed back on the generator for %.1f%% of the run (blocking admission); latency is still measured from intended starts", gen.blockedShare() * 100));
        } else if (missedTooMany) {
            valid = false;
            warnings.add("generator fell behind (missed starts > 1% of the window): " + gen.summary());
        } else if (gen.fellBehind()) {
            warnings.add(String.format("generator schedule jitter: lag p99 %.0f us (> 200 us), %d missed starts; too small to invalidate the point", gen.lagP99Us(), gen.missedStarts()));
        }
        if (!conservation) warnings.add("conservation violated: offered " + offered + ", terminal " + t.terminalTotal() + ", duplicates " + t.duplicates.sum());
        if (cancel.stuckItems() > 0) warnings.add(cancel.stuckItems() + " item(s) stuck: their work ignored cancellation");
        if (!leaked.isEmpty()) warnings.add(leaked.size() + " thread(s) left after cancel: " + leaked.stream().map(ThreadCensus.Seen::name).limit(5).toList());
        if (error != null) warnings.add(error);
        PointResult.Capture captured = capture.finish();
        if (captured != null) captured.notCaptured().forEach(n -> warnings.add("not captured: " + n));
        if (captured != null && scenario.capture().any() && capture.coveredNanos() < 0.8 * phaseMeasure)
            warnings.add(String.format("capture covered %.2f s of the %.2f s window (it started late: a starved machine?)", capture.coveredNanos() / 1e9, phaseMeasure / 1e9));
        if (captureFailure[0] != null && error == null) {
            error = captureFailure[0];
            warnings.add(error);
        }

        List<PointResult.Stage> stages = new ArrayList<>();
        for (int i = 0; i < cfg.size(); i++) {
            double util = sampler.stageBusyInWindow(i) / (phaseMeasure * (double) specs.get(i).width());
            stages.add(new PointResult.Stage(names.get(i), specs.get(i).width(), summary(sampler.stageServiceWindow(i)),
                    summary(sampler.stageQueueWindow(i)), Math.min(1.0, util)));
        }
        Histogram resp = response.flipInterval();
        Histogram svc = service.flipInterval();
        Histogram reqH = request == null ? null : request.flipInterval();
        PointResult draft = new PointResult(req.id(), req.design(), req.width(), req.repeat(), error == null ? PointResult.OK : PointResult.FAILED, error,
                windowS, offered, t.of(Outcome.COMPLETED), t.of(Outcome.FAILED), t.of(Outcome.SHED), t.of(Outcome.TIMED_OUT),
                t.of(Outcome.CANCELLED), t.of(Outcome.DEAD_LETTERED), t.completedInWindow.sum() / windowS,
                gen.intendedRate(), offered / ((phaseWarm + phaseMeasure) / 1e9),
                summary(resp), summary(svc), reqH == null ? null : summary(reqH), stages, little,
                conservation, leaked.size(), leaked.stream().map(ThreadCensus.Seen::name).limit(20).toList(),
                cancel.elapsed().toNanos() / 1e6,
                new PointResult.Generator(gen.lagP50Us(), gen.lagP99Us(), gen.lagMaxUs(), gen.missedStarts(), gen.fellBehind()),
                valid, warnings, List.of(), env.erlangC(req.width(), svc.getTotalCount() == 0 ? 0 : svc.getMean() / 1000.0), env.counters(running),
                captured);
        Map<SloSpec.Metric, Histogram> exact = new LinkedHashMap<>();
        exact.put(SloSpec.Metric.RESPONSE, resp);
        exact.put(SloSpec.Metric.SERVICE, svc);
        if (reqH != null) exact.put(SloSpec.Metric.REQUEST, reqH);
        List<PointResult.SloVerdict> slos = SloEvaluator.evaluate(scenario.slos(), draft, (metric, p) -> {
            Histogram h = exact.get(metric);
            return h == null || h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
        });
        return withSlos(draft, slos);
    }

    /** Starts the window's capture; a required capture that cannot start fails the point (its message becomes the error). */
    private static void captureStart(WindowCapture capture, String[] failure) {
        try {
            capture.start();
        } catch (CaptureUnavailableException e) {
            failure[0] = e.getMessage();
        }
    }

    private int sweptStage() {
        for (int i = 0; i < scenario.pipeline().size(); i++)
            if (scenario.pipeline().get(i).spec().name().equals(scenario.sweep().stage())) return i;
        return 0;
    }

    private static PointResult withSlos(PointResult p, List<PointResult.SloVerdict> slos) {
        return new PointResult(p.id(), p.design(), p.width(), p.repeat(), p.status(), p.error(), p.measureS(), p.offered(), p.completed(),
                p.failed(), p.shed(), p.timedOut(), p.cancelled(), p.deadLettered(), p.throughput(), p.intendedRate(), p.achievedRate(),
                p.responseMs(), p.serviceMs(), p.requestMs(), p.stages(), p.little(), p.conservationOk(), p.leakedThreads(),
                p.leakedThreadNames(), p.cancelMs(), p.generator(), p.valid(), p.warnings(), slos, p.erlangC(), p.counters(), p.capture());
    }

    static PointResult.Latency summary(Histogram h) {
        if (h == null || h.getTotalCount() == 0) return new PointResult.Latency(0, 0, 0, 0, 0, 0, 0);
        return new PointResult.Latency(h.getTotalCount(), h.getMean() / 1000.0, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0);
    }

    /** Threads started since the baseline that are still alive, after up to 2 s of grace, minus housekeeping. */
    static List<ThreadCensus.Seen> awaitLeaks(List<ThreadCensus.Seen> baseline) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            List<ThreadCensus.Seen> extra = ThreadCensus.newSince(baseline).stream()
                    .filter(s -> !HOUSEKEEPING.matcher(s.name()).matches()).toList();
            if (extra.isEmpty() || System.nanoTime() > deadline) return extra;
            Thread.sleep(50);
        }
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long d;
        while ((d = nanoTime - System.nanoTime()) > 0) java.util.concurrent.TimeUnit.NANOSECONDS.sleep(d);
    }

    private void writeIntervals(Path dir, Sampler s) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("interval_s", SAMPLE_NANOS * SAMPLES_PER_INTERVAL / 1e9);
        doc.put("rows", s.rows());
        RunJson.writeAtomically(dir.resolve("intervals.json"), doc);
    }

    private void writeHlog(Path dir, Sampler s, long runStart) throws IOException {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(dir.resolve("response.hlog")))) {
            HistogramLogWriter w = new HistogramLogWriter(ps);
            w.outputComment("fanlab response times of " + req.id() + ", microseconds, intervals since the point's start");
            w.outputLogFormatVersion();
            w.outputBaseTime(events.runStartEpochMillis());
            w.outputLegend();
            for (Histogram h : s.intervalHistograms()) w.outputIntervalHistogram(h);
        }
    }

    /** Whether any stage calls the loopback downstream (then the point starts one). */
    static boolean usesHttp(Scenario s) {
        return s.pipeline().stream().anyMatch(c -> c.work() instanceof WorkSpec.Http);
    }

}
