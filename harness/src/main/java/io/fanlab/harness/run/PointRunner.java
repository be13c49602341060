package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.harness.capture.CaptureUnavailableException;
import io.fanlab.harness.capture.WindowCapture;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.GraphRouter;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.measure.CompletionSink;
import io.fanlab.harness.measure.DeadLetters;
import io.fanlab.harness.queueing.LittlesLaw;
import io.fanlab.harness.scenario.CancelAt;
import io.fanlab.harness.probe.LatencyProbe;
import io.fanlab.harness.probe.ThreadCensus;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.SloSpec;
import io.fanlab.harness.scenario.StageConfig;
import io.fanlab.harness.validity.OtherCpu;
import io.fanlab.harness.validity.PointValidity;
import io.fanlab.harness.validity.ScenarioTimeline;
import io.fanlab.harness.validity.SelfTestVerdict;
import io.fanlab.harness.validity.SteadyState;
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
 * The counting rules live in {@link CompletionSink} (response, service and request populations, unfinished items
 * as censored values, Little's law, duplicates, hot keys, dead letters), unit-tested on a manual clock. This class
 * keeps the stage wrapper (per-stage service, queue and busy time), the phases, the cancel and the record:
 * <ul>
 *   <li>The cancel falls where the scenario's {@code phases.cancel} puts it: after the cooldown drain (an idle
 *       design), or at the end of the window or a time on the timeline, load still in flight; the sink counts what
 *       was in flight, cancelled, finished anyway; stuck items are censored after the cancel's bound.</li>
 *   <li>Conservation: offered = completed + failed + shed + timed out + cancelled + dead-lettered, and no item is
 *       reported twice.</li>
 *   <li>Threads: a census (virtual threads included) before the design starts, right after the cancel (threads
 *       still alive) and after a 2 s grace (leaked); only threads the application started count, minus the
 *       harness's own ({@link ThreadCensus} tells the JVM's threads by owner).</li>
 *   <li>Per-worker counters and reorder depth come from the design ({@link RunningDesign#workers()},
 *       {@link RunningDesign.Gauges}) through the sampler, over the window and per interval.</li>
 * </ul>
 * Threads owned here: the generator (open) or user threads (closed), {@code fanlab-sampler}, the fault schedule's;
 * all are joined before {@link #run()} returns.
 */
public final class PointRunner {
    static final long SAMPLE_NANOS = 100_000_000L;
    static final int SAMPLES_PER_INTERVAL = 10;
    static final Duration CANCEL_BOUND = Duration.ofSeconds(2);
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

    public PointResult run() throws Exception {
        if (scenario.isGraph() && !design.capabilities().contains(io.fanlab.harness.design.Policy.GRAPH))
            return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.FAILED, "design " + design.name()
                    + " does not declare the graph capability (Policy.GRAPH): it cannot run this scenario's routes and loops and would run"
                    + " every stage in sequence (use a design that does: engine*, tpe, vt-per-item)");
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
        long phaseMeasure = scenario.phases().measured().toNanos(); // cut short by a cancel placed inside the window, or an early stop
        long phaseCool = scenario.phases().cooldown().toNanos();
        long cancelOffset = scenario.phases().cancel().offset(scenario.phases()).toNanos();
        boolean cancelWhenDrained = scenario.phases().cancel() instanceof CancelAt.AfterCooldown;
        double totalS = (phaseWarm + scenario.phases().measure().toNanos() + phaseCool) / 1e9;

        PointEnvironment env = PointEnvironment.create(scenario, names);
        int k = Math.max(1, scenario.load().fanout());
        LatencyProbe[] stageService = new LatencyProbe[cfg.size()];
        LatencyProbe[] stageQueue = new LatencyProbe[cfg.size()];
        LongAdder[] stageBusy = new LongAdder[cfg.size()];
        for (int i = 0; i < cfg.size(); i++) {
            stageService[i] = new LatencyProbe();
            stageQueue[i] = new LatencyProbe();
            stageBusy[i] = new LongAdder();
        }
        long[] window = new long[2]; // [start, end) in nanoTime, set once the run starts
        int joinAt = switch (scenario.load().join()) {
            case LoadSpec.Join.All a -> k;
            case LoadSpec.Join.First f -> 1;
            case LoadSpec.Join.Quorum q -> q.q();
        };
        CompletionSink sink = new CompletionSink(System::nanoTime, k, joinAt);

        // hand-off: submit -> first stage's start, items of the window that found a free worker (RESULTS.md, handoff_ms)
        LatencyProbe handoffProbe = new LatencyProbe();
        List<StageWork> work = new ArrayList<>();
        for (int i = 0; i < cfg.size(); i++) {
            StageWork inner = env.work(i, cfg.get(i));
            final int stage = i;
            work.add((item, cancelled) -> {
                long start = System.nanoTime();
                long handoff = item.handoffNanos();
                if (handoff != 0) stageQueue[stage].recordNanos(start - handoff);
                if (stage == 0 && item.takeFreeWorker() && handoff != 0 && item.intendedStartNanos() - window[0] >= 0
                        && item.intendedStartNanos() - window[1] < 0)
                    handoffProbe.recordNanos(start - handoff);
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
        List<ThreadCensus.Seen> baseline = ThreadCensus.take();
        GraphRouter router = new GraphRouter(scenario.graph(), scenario.seed());
        RunningDesign running = design.start(new DesignContext(specs, work, sink, swept, router));
        long runStart = System.nanoTime();
        long runStartEpochMs = System.currentTimeMillis();
        window[0] = runStart + phaseWarm;
        window[1] = runStart + phaseWarm + phaseMeasure;
        sink.openWindow(window[0], window[1]);
        router.window(window[0], window[1]); // graph exits of the window's items: the same population as response_ms
        events.event("phase", req.id(), Map.of("name", "warmup", "point_t_s", 0.0));

        double rowOffsetS = req.pointStartEpochMs() == 0 ? 0 : (runStartEpochMs - req.pointStartEpochMs()) / 1000.0;
        Sampler sampler = new Sampler(running, sink, window, runStart, rowOffsetS, totalS, progress, req.id());
        java.util.concurrent.atomic.AtomicReference<LoadDriver> driverRef = new java.util.concurrent.atomic.AtomicReference<>();
        String[] stopped = new String[1]; // the early stop's reason; written by the sampler thread, read after it is joined
        long[] stoppedAt = new long[1];
        if (scenario.sweep().abortOnFail() && EarlyStop.gates(scenario.gate(), req.width()) && EarlyStop.boundedLoad(scenario))
            sampler.watch(earlyStop(sink, runStart, window, Math.min(phaseWarm + scenario.phases().measure().toNanos(), cancelOffset),
                    driverRef, stopped, stoppedAt));
        Thread samplerThread = Thread.ofPlatform().name("fanlab-sampler").daemon().start(sampler);
        var faults = env.startFaults(scenario.faults(), runStart, events, req.id(), onAbort);
        LoadDriver driver = LoadDriver.create(scenario, env.stream(), runStart, k, sink, running);
        driverRef.set(driver);
        sink.onTerminal(driver::completed);
        driver.flagFreeWorkerBelow(specs.get(0).width());
        OtherCpu.Snapshot[] cpu = new OtherCpu.Snapshot[2]; // machine CPU at the window's start and end
        Thread phaseMarker = Thread.ofPlatform().name("fanlab-phases").daemon().start(() -> {
            try {
                sleepUntil(window[0]);
                cpu[0] = OtherCpu.snapshot();
                events.event("phase", req.id(), Map.of("name", "measure", "point_t_s", phaseWarm / 1e9));
                sampler.windowStarted(stageService, stageQueue, stageBusy);
                captureStart(capture, captureFailure);
            } catch (InterruptedException ignored) { }
        });
        LoadDriver.Stats gen;
        String error = null;
        try {
            gen = driver.run(Math.min(phaseWarm + scenario.phases().measure().toNanos(), cancelOffset));
        } catch (RuntimeException e) {
            error = "load generator failed: " + e;
            gen = driver.statsSoFar();
        }
        cpu[1] = OtherCpu.snapshot();
        String stoppedEarly;
        synchronized (stopped) {
            stoppedEarly = stopped[0];
        }
        if (stoppedEarly != null) { // the window ends where the load stopped
            phaseMeasure = Math.max(1, Math.min(phaseMeasure, runStart + stoppedAt[0] - window[0]));
            events.event("early_stop", req.id(), Map.of("point_t_s", stoppedAt[0] / 1e9, "reason", stoppedEarly));
        }
        // ---- the cancel: after the drain (default), or at its place on the timeline. When the load ran up to that
        // place (end_of_measure, or a time inside the window) it comes first, before anything else can let the items
        // in flight drain: short items finish within the few ms an event write takes.
        RunningDesign.CancelResult cancel = null;
        double cancelT = 0;
        if (!cancelWhenDrained && System.nanoTime() - (runStart + cancelOffset) >= 0) {
            cancelT = (System.nanoTime() - runStart) / 1e9;
            sink.beginCancel();
            cancel = running.cancel(CANCEL_BOUND);
        }
        phaseMarker.interrupt();
        phaseMarker.join();
        sampler.windowEnded(stageService, stageQueue, stageBusy);
        capture.stop();
        events.event("phase", req.id(), Map.of("name", "cooldown", "point_t_s", (System.nanoTime() - runStart) / 1e9));
        if (cancel == null) {
            if (cancelWhenDrained) {
                long drainDeadline = System.nanoTime() + phaseCool;
                while (System.nanoTime() < drainDeadline && sink.inFlight() > 0) Thread.sleep(5);
            } else {
                sleepUntil(runStart + cancelOffset);
            }
            cancelT = (System.nanoTime() - runStart) / 1e9;
            sink.beginCancel();
            cancel = running.cancel(CANCEL_BOUND);
        }
        events.event("phase", req.id(), Map.of("name", "cancel", "point_t_s", cancelT, "in_flight", sink.inFlightAtCancel(),
                "at", scenario.phases().cancel().toString(), "quiesce_ms", cancel.elapsed().toNanos() / 1e6));
        long aliveAfterCancel = ThreadCensus.newSince(baseline).stream()
                .filter(t -> t.owner() == ThreadCensus.Owner.APPLICATION && !harnessThread(t)).count();
        sink.censorStuck();
        driver.close();
        sampler.stop();
        samplerThread.join();
        sampler.flipResponse(System.nanoTime()); // the censored tail recorded after the sampler's last flip
        faults.close();
        env.close();

        List<ThreadCensus.Seen> leaked = awaitLeaks(baseline);
        events.event("phase", req.id(), Map.of("name", "end", "point_t_s", (System.nanoTime() - runStart) / 1e9));

        writeIntervals(dir, sampler);
        writeHlog(dir, sampler, runStartEpochMs);
        long deadLettersWritten = writeDeadLetters(dir, sink);

        // ---- the record
        double windowS = phaseMeasure / 1e9;
        long offered = sink.submitted();
        long windowOffered = sink.windowOffered();
        LittlesLaw.Check lc = sink.little();
        PointResult.Little little = new PointResult.Little(lc.observedL(), lc.lambdaPerSec(), lc.meanResponseSec(), lc.predictedL(),
                lc.predictedL() == 0 ? 0 : (lc.observedL() - lc.predictedL()) / lc.predictedL());
        boolean conservation = offered == sink.terminalTotal() && sink.duplicates() == 0;
        PointResult.Capture captured = capture.finish();
        List<String> captureWarnings = new ArrayList<>();
        if (captured != null) captured.notCaptured().forEach(n -> captureWarnings.add("not captured: " + n));
        if (captured != null && scenario.capture().any() && capture.coveredNanos() < 0.8 * phaseMeasure)
            captureWarnings.add(String.format("capture covered %.2f s of the %.2f s window (it started late: a starved machine?)", capture.coveredNanos() / 1e9, phaseMeasure / 1e9));
        if (captureFailure[0] != null && error == null) error = captureFailure[0];

        List<PointResult.Stage> stages = new ArrayList<>();
        for (int i = 0; i < cfg.size(); i++) {
            double util = sampler.stageBusyInWindow(i) / (phaseMeasure * (double) specs.get(i).width());
            stages.add(new PointResult.Stage(names.get(i), specs.get(i).width(), summary(sampler.stageServiceWindow(i)),
                    summary(sampler.stageQueueWindow(i)), Math.min(1.0, util)));
        }
        Histogram resp = sink.response().total(); // every interval the sampler flipped, and the final flip: the hlog's population
        Histogram svc = sink.service().flipInterval();
        Histogram handoff = handoffProbe.flipInterval();
        Histogram reqH = sink.request() == null ? null : sink.request().flipInterval();
        long[] reorder = sampler.reorder();
        PointResult.Requests requests = k == 1 ? null
                : new PointResult.Requests((offered + k - 1) / k, sink.requestsSucceeded(), sink.requestsFailed(), sink.censoredRequest());
        PointResult.Cancellation cancellation = new PointResult.Cancellation(scenario.phases().cancel().toString(), round3(cancelT),
                sink.inFlightAtCancel(), sink.cancelledAfterCancel(), sink.finishedAfterCancel(), cancel.elapsed().toNanos() / 1e6,
                cancel.stuckItems(), aliveAfterCancel);
        PointResult.Latency respSummary = summary(resp, sink.censoredResponse());
        PointResult.ErlangC erlang = env.erlangC(req.width(), svc.getTotalCount() == 0 ? 0 : svc.getMean() / 1000.0);

        // ---- validity: judged by PointValidity from plain figures (its javadoc and RESULTS.md give the thresholds)
        PointResult.SelfTest selfTest = SelfTestVerdict.judge(erlang, respSummary, summary(svc));
        List<PointValidity.FaultTiming> faultTimings = ScenarioTimeline.faults(scenario, PointEnvironment::kind);
        PointResult.Steady steady = SteadyState.fromRows(sampler.rows(), rowOffsetS, phaseWarm / 1e9, windowS,
                SAMPLE_NANOS * SAMPLES_PER_INTERVAL / 1e9, ScenarioTimeline.steadyNotJudged(scenario, faultTimings));
        Double otherCpu = OtherCpu.share(cpu[0], cpu[1]);
        int perArrival = scenario.load() instanceof LoadSpec.Open ? k : 1; // the generator counts arrivals; items are k per arrival
        PointValidity.Judgement judged = PointValidity.judge(new PointValidity.Inputs(scenario.load() instanceof LoadSpec.Open,
                windowOffered, gen.missedStarts() * perArrival, gen.notStarted(), gen.blockedShare(), gen.lagP99Us(), gen.summary(),
                offered, sink.terminalTotal(), sink.duplicates(), cancel.stuckItems(), leaked.stream().map(ThreadCensus.Seen::name).toList(), error,
                otherCpu, lc.predictedL() == 0 ? Double.NaN : little.relError(), lc.meanResponseSec(), windowS,
                PointValidity.faultsOutsideWindow(faultTimings, phaseWarm / 1e9, windowS, phaseCool / 1e9), steady, selfTest,
                env.warnings(design)));
        boolean valid = judged.valid();
        List<String> warnings = new ArrayList<>(judged.warnings());
        warnings.addAll(captureWarnings);
        if (sink.unfinished() > 0) warnings.add(String.format("%d item(s) unfinished when the point cancelled its design (%s): counted in the latency SLOs as censored values and in the error rate",
                sink.unfinished(), scenario.phases().cancel()));
        long clamped = sink.response().clamped() + sink.service().clamped() + (sink.request() == null ? 0 : sink.request().clamped());
        if (clamped > 0) warnings.add(clamped + " latencies above " + LatencyProbe.MAX_US / 3_600_000_000L + "h were recorded as 1h, the probe's range: the highest percentiles are lower bounds");
        if (sink.uncheckedDuplicates() > 0) warnings.add(sink.uncheckedDuplicates() + " item(s) beyond the first " + io.fanlab.harness.probe.SeenSet.CAPACITY + " were not checked for duplicates");
        PointResult.Validity validity = new PointResult.Validity(judged.state(), judged.invalidReasons(), gen.notStarted(), gen.blockedShare(),
                otherCpu, steady, PointValidity.littleTolerance(lc.meanResponseSec(), windowS));

        PointResult draft = PointResult.builder(req.id(), req.design(), req.width(), req.repeat())
                .status(error == null ? PointResult.OK : PointResult.FAILED).error(error)
                .measureS(windowS).offered(offered).completed(sink.of(Outcome.COMPLETED)).failed(sink.of(Outcome.FAILED))
                .shed(sink.of(Outcome.SHED)).timedOut(sink.of(Outcome.TIMED_OUT)).cancelled(sink.of(Outcome.CANCELLED))
                .deadLettered(sink.of(Outcome.DEAD_LETTERED)).throughput(sink.completedInWindow() / windowS)
                .intendedRate(gen.intendedRate()).achievedRate(offered / ((phaseWarm + phaseMeasure) / 1e9))
                .responseMs(respSummary).serviceMs(summary(svc)).requestMs(reqH == null ? null : summary(reqH, sink.censoredRequest()))
                .stages(stages).little(little)
                .conservationOk(conservation).leakedThreads(leaked.size())
                .leakedThreadNames(leaked.stream().map(ThreadCensus.Seen::name).limit(20).toList())
                .cancelMs(cancel.elapsed().toNanos() / 1e6)
                .generator(new PointResult.Generator(gen.lagP50Us(), gen.lagP99Us(), gen.lagMaxUs(), gen.missedStarts(), gen.fellBehind()))
                .valid(valid).warnings(warnings).erlangC(erlang).counters(env.counters(running)).validity(validity).selfTest(selfTest)
                .unfinished(sink.unfinished()).requests(requests).cancellation(cancellation)
                .reorderDepth(reorder[0] < 0 ? null : new PointResult.Reorder(reorder[0], reorder[2] == 0 ? 0 : round3(reorder[1] / (double) reorder[2])))
                .workers(workers(sampler.workersAtStart(), sampler.workersAtEnd(), phaseMeasure))
                .topKeys(sink.windowKeys().top(CompletionSink.TOP_KEYS, false).stream().map(kc -> new PointResult.KeyCount(kc.key(), kc.count(), kc.error())).toList())
                .deadLettersWritten(deadLettersWritten).capture(captured)
                .graph(router.counts().stream().map(c -> new PointResult.GraphNode(c.node(), c.kind(), c.exits(), c.passes(), c.windowExits(), c.windowPasses())).toList())
                .losers(!sink.hasLosers() ? null : new PointResult.Losers(sink.losersCancelled(), sink.losersFinished(),
                        summary(sink.loserAfterDecision().flipInterval())))
                .handoffMs(handoff.getTotalCount() == 0 ? null : summary(handoff))
                .stoppedEarly(stoppedEarly).stoppedAtS(stoppedEarly == null ? null : round3(stoppedAt[0] / 1e9))
                .build();
        Map<SloSpec.Metric, Histogram> exact = new LinkedHashMap<>();
        exact.put(SloSpec.Metric.RESPONSE, resp);
        exact.put(SloSpec.Metric.SERVICE, svc);
        if (reqH != null) exact.put(SloSpec.Metric.REQUEST, reqH);
        List<PointResult.SloVerdict> slos = SloEvaluator.evaluate(scenario.slos(), draft, (metric, p) -> {
            Histogram h = exact.get(metric);
            return h == null || h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
        });
        return draft.withSlos(slos);
    }

    /**
     * The sampler's {@link EarlyStop} watch: the sink counts the population values above each watched latency bound
     * as they are recorded; once per interval the figures so far go to {@link EarlyStop#lost}, and on the first SLO
     * already lost this records why and when and stops the load (the generator returns, the window ends there and the
     * point goes on to its drain and cancel). Call before the first item is submitted.
     */
    private Sampler.Watch earlyStop(CompletionSink sink, long runStart, long[] window, long loadEndOffset,
                                    java.util.concurrent.atomic.AtomicReference<LoadDriver> driver, String[] stopped, long[] stoppedAt) {
        List<SloSpec.Latency> watched = EarlyStop.watched(scenario.slos());
        List<java.util.function.LongSupplier> above = new ArrayList<>();
        for (SloSpec.Latency l : watched)
            above.add(sink.countAbove(CompletionSink.Population.valueOf(l.metric().name()), l.max().toNanos()));
        Object rate = InProcessPointExecutor.loadInfo(scenario).get("offered_rate");
        double itemRate = rate == null ? Double.NaN : ((Number) rate).doubleValue(); // items per second: fan-out included
        int fanout = Math.max(1, scenario.load().fanout());
        return now -> {
            synchronized (stopped) {
                if (stopped[0] != null || now - window[1] >= 0) return;
                long[] over = new long[above.size()];
                for (int i = 0; i < over.length; i++) over[i] = above.get(i).getAsLong();
                long errors = sink.of(Outcome.FAILED) + sink.of(Outcome.TIMED_OUT) + sink.of(Outcome.DEAD_LETTERED);
                String why = EarlyStop.lost(scenario.slos(), new EarlyStop.Snapshot(now - runStart, window[0] - runStart, window[1] - runStart,
                        loadEndOffset, sink.submitted(), errors, sink.windowOffered(), itemRate, over, sink.of(Outcome.SHED),
                        sink.completedInWindow(), sink.inFlight(), sink.duplicates(), fanout));
                if (why == null) return;
                stopped[0] = why;
                stoppedAt[0] = now - runStart;
            }
            LoadDriver d = driver.get();
            try {
                if (d != null) d.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Per stage over the window: items and busy share per worker, skew (max / mean items) and the hottest worker. */
    static List<PointResult.Workers> workers(List<RunningDesign.StageWorkers> start, List<RunningDesign.StageWorkers> end, long windowNanos) {
        List<PointResult.Workers> out = new ArrayList<>();
        for (RunningDesign.StageWorkers e : end) {
            RunningDesign.StageWorkers b = start.stream().filter(x -> x.stage().equals(e.stage())).findFirst().orElse(null);
            List<Long> items = new ArrayList<>();
            List<Double> busy = new ArrayList<>();
            long max = 0, sum = 0;
            int hottest = 0;
            for (int i = 0; i < e.items().size(); i++) {
                long n = Math.max(0, e.items().get(i) - (b != null && i < b.items().size() ? b.items().get(i) : 0));
                long ns = Math.max(0, e.busyNanos().get(i) - (b != null && i < b.busyNanos().size() ? b.busyNanos().get(i) : 0));
                items.add(n);
                busy.add(windowNanos <= 0 ? 0 : round3(Math.min(1, ns / (double) windowNanos)));
                sum += n;
                if (n > max) {
                    max = n;
                    hottest = i;
                }
            }
            double mean = items.isEmpty() ? 0 : sum / (double) items.size();
            out.add(new PointResult.Workers(e.stage(), items, busy, mean == 0 ? 0 : round3(max / mean), hottest));
        }
        return out;
    }

    static double round3(double v) { return Math.round(v * 1000) / 1000.0; }

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

    static PointResult.Latency summary(Histogram h) { return summary(h, 0); }

    /** @param censored how many of the histogram's values are lower bounds of unfinished items */
    static PointResult.Latency summary(Histogram h, long censored) {
        if (h == null || h.getTotalCount() == 0) return new PointResult.Latency(0, 0, 0, 0, 0, 0, 0, 0);
        return new PointResult.Latency(h.getTotalCount(), h.getMean() / 1000.0, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0, censored);
    }

    /**
     * The harness's own threads (by the names it gives them): the point's sampler, phase marker, generator, closed-load
     * users, fault threads, the loopback downstream's and its client's virtual threads, and the forked point's stdout
     * pump. Everything else the application started during the point is the design's.
     */
    static final Pattern HARNESS_THREADS = Pattern.compile(
            "fanlab-(sampler|phases|generator|faults|fault-gc|fault-cpuhog-\\d+|user-\\d+|point-stdout|downstream-\\d+|downstream-client-\\d+)");

    static boolean harnessThread(ThreadCensus.Seen s) { return HARNESS_THREADS.matcher(s.name()).matches(); }

    /**
     * Threads the design started that are still alive after up to 2 s of grace: new since the baseline, owned by the
     * application (not the JVM: see {@link ThreadCensus}), and not the harness's own.
     */
    static List<ThreadCensus.Seen> awaitLeaks(List<ThreadCensus.Seen> baseline) throws InterruptedException {
        return ThreadCensus.leakedSince(baseline, PointRunner::harnessThread, Duration.ofSeconds(2).toNanos());
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

    /**
     * The response population of point.json (intended starts in the window, censored items included) as an
     * HdrHistogram interval log readable by the standard tools: values in nanoseconds (HistogramLogProcessor's and
     * HistogramLogAnalyzer's default unit ratio), interval timestamps in epoch ms with the point's start as base time.
     */
    private void writeHlog(Path dir, Sampler s, long pointStartEpochMs) throws IOException {
        List<Histogram> intervals = new ArrayList<>();
        for (Histogram us : s.responseIntervals()) {
            Histogram ns = toNanos(us);
            ns.setStartTimeStamp(pointStartEpochMs + us.getStartTimeStamp());
            ns.setEndTimeStamp(pointStartEpochMs + us.getEndTimeStamp());
            intervals.add(ns);
        }
        writeHlog(dir.resolve("response.hlog"), "fanlab response times of " + req.id() + " (the population of point.json response_ms), nanoseconds",
                pointStartEpochMs, intervals);
    }

    /**
     * Writes an HdrHistogram interval log atomically. The log is rendered in memory first: {@link PrintStream}, which
     * {@link HistogramLogWriter} needs, swallows I/O errors, so it never touches the file; the bytes then go through
     * {@link RunJson#writeAtomically}, whose failures name the file.
     */
    static void writeHlog(Path file, String comment, long baseTimeMillis, List<Histogram> intervals) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, false, java.nio.charset.StandardCharsets.UTF_8)) {
            HistogramLogWriter w = new HistogramLogWriter(ps);
            w.outputComment(comment);
            w.outputLogFormatVersion();
            w.outputStartTime(baseTimeMillis);
            w.setBaseTime(baseTimeMillis);
            w.outputBaseTime(baseTimeMillis);
            w.outputLegend();
            for (Histogram h : intervals) w.outputIntervalHistogram(h);
        }
        RunJson.writeAtomically(file, bytes.toByteArray());
    }

    /** A microsecond histogram as nanoseconds: each bucket's value times 1000, counts kept (percentiles agree to 0.1%). */
    static Histogram toNanos(Histogram us) {
        Histogram ns = new Histogram(1_000, LatencyProbe.MAX_US * 1_000, 3);
        for (org.HdrHistogram.HistogramIterationValue v : us.recordedValues())
            ns.recordValueWithCount(v.getValueIteratedTo() * 1_000, v.getCountAtValueIteratedTo());
        return ns;
    }

    /** points/&lt;id&gt;/dead-letters.jsonl: the first kept dead letters, by seq. @return lines written */
    private static long writeDeadLetters(Path dir, CompletionSink sink) throws IOException {
        List<DeadLetters.Letter> kept = new ArrayList<>(sink.deadLetters().kept());
        if (kept.isEmpty()) return 0;
        kept.sort(java.util.Comparator.comparingLong(DeadLetters.Letter::seq));
        StringBuilder b = new StringBuilder();
        for (DeadLetters.Letter l : kept) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", l.seq());
            m.put("key", l.key());
            m.put("cause", l.cause());
            m.put("attempts", l.attempts());
            b.append(RunJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(m)).append('\n');
        }
        RunJson.writeAtomically(dir.resolve("dead-letters.jsonl"), b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return kept.size();
    }

    /** Whether any stage calls the loopback downstream (then the point starts one). */
    static boolean usesHttp(Scenario s) {
        return s.pipeline().stream().anyMatch(c -> c.work() instanceof WorkSpec.Http);
    }

}
