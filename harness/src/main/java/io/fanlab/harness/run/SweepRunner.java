package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;

import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.validity.HarnessFloor;
import io.fanlab.harness.validity.SelfTestVerdict;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every point of a scenario's sweep, in order design x width x repeat, one at a time, and records each in the
 * run directory as soon as it ends. Prints progress (point i of n, elapsed, ETA, live throughput and p99) and,
 * at the end, a compact table. A point that crashes or fails is recorded and the sweep goes on; an abort fault
 * ends the sweep after recording the aborted point (the run then reads {@code "finished": false}).
 */
public final class SweepRunner {
    /** Wall-clock cost of a forked point beyond its phases (JVM start, setup, teardown), for the ETA. */
    static final double POINT_OVERHEAD_S = 1.5;

    private final Scenario scenario;
    private final RunDirectory run;
    private final PointExecutor executor;
    private final PrintStream out;
    private final boolean tty;

    public SweepRunner(Scenario scenario, RunDirectory run, PointExecutor executor, PrintStream out, boolean tty) {
        this.scenario = scenario;
        this.run = run;
        this.executor = executor;
        this.out = out;
        this.tty = tty;
    }

    /** Result of the sweep: the points and whether it ran to the end. */
    public record SweepOutcome(List<PointResult> points, boolean finished) {
        public boolean anyCrashed() { return points.stream().anyMatch(p -> !PointResult.OK.equals(p.status())); }
        // Whether the run passed is not decided here: io.fanlab.reports.analysis.Verdict reads the run directory and
        // is the one rule for the exit code, the table, report.html and junit.xml.
    }

    public static List<PointRequest> points(Scenario s, RunDirectory run) {
        List<PointRequest> list = new ArrayList<>();
        int total = s.sweep().designs().size() * s.sweep().widths().size() * s.sweep().repeats();
        int i = 0;
        for (String design : s.sweep().designs())
            for (int width : s.sweep().widths())
                for (int r = 0; r < s.sweep().repeats(); r++)
                    list.add(new PointRequest(PointRequest.idOf(design, width, r), design, width, r, i++, total,
                            run.dir().toAbsolutePath(), run.dir().toAbsolutePath().resolve("scenario.resolved.yaml"), run.events().runStartEpochMillis(), 0));
        return list;
    }

    public SweepOutcome run() throws IOException, InterruptedException {
        List<PointRequest> requests = points(scenario, run);
        double perPoint = scenario.phases().total().toNanos() / 1e9 + POINT_OVERHEAD_S;
        long t0 = System.nanoTime();
        run.events().event("run_start", null, Map.of("points", requests.size(), "scenario", scenario.name()));
        out.printf("fanlab: %s: %d points (%s), about %.0fs; run directory %s%n", scenario.name(), requests.size(),
                describe(), perPoint * requests.size(), run.dir());
        calibrate();
        List<PointResult> done = new ArrayList<>();
        boolean finished = true;
        for (PointRequest planned : requests) {
            var recorded = run.recorded(planned.id());
            if (recorded.isPresent()) { // --resume: recorded before the kill, kept as it is
                run.keepPoint(recorded.get());
                done.add(recorded.get());
                out.printf("[%d/%d] %-22s kept (recorded before the run was killed)%n", planned.index() + 1, planned.total(), planned.id());
                continue;
            }
            PointRequest req = planned.startingAt(System.currentTimeMillis());
            run.events().event("point_start", req.id(), Map.of("design", req.design(), "width", req.width(), "repeat", req.repeat()));
            double elapsedBefore = (System.nanoTime() - t0) / 1e9;
            int remainingAfter = requests.size() - req.index() - 1;
            PointResult r = executor.execute(req, p -> progress(req, p, elapsedBefore, remainingAfter, perPoint));
            if (tty) out.print("\r\033[K");
            run.addPoint(r);
            done.add(r);
            run.events().event("point_end", req.id(), Map.of("status", r.status(), "throughput", r.throughput()));
            out.println(summaryLine(req, r));
            if (r.stoppedEarly() != null)
                out.printf(Locale.ROOT, "fanlab: sweep.abort_on_fail: %s stopped early at %.1fs: %s%n", req.id(), r.stoppedAtS(), r.stoppedEarly());
            String check = checkLine(r);
            if (check != null) out.println(check);
            String lost = scenario.sweep().abortOnFail() ? lostBy(r) : null;
            if (lost != null) {
                out.println("fanlab: sweep.abort_on_fail: " + lost + " has already lost the run; the sweep stops here");
                run.stoppedEarly(lost);
                run.events().event("warning", req.id(), Map.of("message", "sweep stopped early (abort_on_fail): " + lost));
                break;
            }
            if (PointResult.ABORTED.equals(r.status())) {
                out.println("fanlab: an abort fault killed point " + req.id() + "; the sweep stops here (finished points are kept)");
                finished = false;
                break;
            }
        }
        run.events().event("run_end", null, Map.of("finished", finished, "elapsed_s", (System.nanoTime() - t0) / 1e9));
        if (finished) run.finish();
        return new SweepOutcome(done, finished);
    }

    /**
     * The harness's own floor for this run ({@link HarnessFloor}: null work through the generator, a hand-off and the
     * recorder), logged as a {@code calibration} event before the first point; a floor too high for the self-test's
     * bounds is also a run warning, so a gate on a machine that cannot measure says so.
     */
    private void calibrate() throws InterruptedException {
        HarnessFloor.Floor f = HarnessFloor.measure(HarnessFloor.DEFAULT_RATE, HarnessFloor.DEFAULT_DURATION);
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("items", f.items());
        m.put("rate", f.rate());
        m.put("mean_ms", f.meanMs());
        m.put("p50_ms", f.p50Ms());
        m.put("p99_ms", f.p99Ms());
        m.put("max_ms", f.maxMs());
        m.put("generator_lag_p99_us", f.lagP99Us());
        m.put("too_high", f.tooHigh());
        m.put("lag_mean_ms", f.lagMeanMs());
        m.put("handoff_mean_ms", f.handoffMeanMs());
        m.put("handoff_p50_ms", f.handoffP50Ms());
        m.put("record_mean_ms", f.recordMeanMs());
        run.events().event("calibration", null, m);
        out.println("fanlab: " + f.summary());
        if (f.tooHigh()) {
            String w = String.format(Locale.ROOT, "this machine's harness floor (null work) is %.3f ms on average, above %.1f ms (5%% of the"
                    + " self-test's 2 ms service): latency differences of that order are the harness, not the design", f.meanMs(), HarnessFloor.MEAN_WARN_MS);
            run.events().event("warning", null, Map.of("message", w));
            out.println("fanlab: warning: " + w);
        }
    }

    /**
     * The reason point {@code r} has already lost the run, or null: a failed check, or (unless the gate is
     * {@code recommended}, whose answer needs the whole sweep) a failed gated SLO. Judged by the one
     * {@link io.fanlab.reports.analysis.Verdict} over what the run directory holds so far.
     */
    private String lostBy(PointResult r) throws IOException {
        var v = io.fanlab.reports.ReportGenerator.verdict(run.dir()).point(r.id());
        if (v == null || v.state() != io.fanlab.reports.analysis.Verdict.PointState.FAIL) return null;
        if (scenario.gate().mode() == io.fanlab.reports.analysis.Gate.Mode.RECOMMENDED && !v.checkFailed()) return null;
        return r.id() + ": " + String.join(", ", v.failures());
    }

    private String describe() {
        var sw = scenario.sweep();
        return sw.designs().size() + " design(s) x widths " + sw.widths() + (sw.repeats() > 1 ? " x " + sw.repeats() + " repeats" : "");
    }

    private void progress(PointRequest req, Progress p, double elapsedBefore, int remainingAfter, double perPoint) {
        double elapsed = elapsedBefore + p.elapsedS() + 1;
        double eta = Math.max(0, p.totalS() - p.elapsedS()) + remainingAfter * perPoint;
        String line = String.format(Locale.ROOT, "[%d/%d] %-22s %-8s %5.1fs/%.0fs  %9.0f/s  p99 %8.2fms  inflight %5d  | elapsed %4.0fs ETA %4.0fs",
                req.index() + 1, req.total(), req.id(), p.phase(), p.elapsedS(), p.totalS(), p.throughput(), p.p99Ms(), p.inflight(), elapsed, eta);
        if (tty) {
            out.print("\r\033[K" + line);
            out.flush();
        } else if (((long) p.elapsedS()) % 5 == 0) {
            out.println(line);
        }
    }

    private static String summaryLine(PointRequest req, PointResult r) {
        if (!PointResult.OK.equals(r.status()))
            return String.format(Locale.ROOT, "[%d/%d] %-22s %s: %s", req.index() + 1, req.total(), req.id(), r.status().toUpperCase(Locale.ROOT), r.error());
        long failedSlos = r.slos().stream().filter(v -> !v.pass()).count();
        return String.format(Locale.ROOT, "[%d/%d] %-22s %9.0f/s  p50 %7.2fms  p99 %8.2fms  %s%s", req.index() + 1, req.total(), req.id(),
                r.throughput(), r.responseMs() == null ? Double.NaN : r.responseMs().p50(), r.responseMs() == null ? Double.NaN : r.responseMs().p99(),
                failedSlos == 0 ? "SLOs ok" : failedSlos + " SLO(s) failed", validityNote(r));
    }

    /** "  INVALID: reasons", "  SATURATED (...)" or nothing. */
    static String validityNote(PointResult r) {
        PointResult.Validity v = r.validity();
        if (v == null) return r.valid() ? "" : "  INVALID: " + String.join("; ", r.warnings());
        if (!r.valid()) return "  INVALID: " + String.join("; ", v.invalidReasons());
        if ("saturated".equals(v.state()))
            return String.format(Locale.ROOT, "  SATURATED (the design pushed back %.0f%% of the time; %d arrivals not started)", v.blockedShare() * 100, v.notStarted());
        return "";
    }

    /** Measured vs predicted: the M/M/c (Erlang C) prediction where the point is M/M/c, and Little's law always. */
    static String checkLine(PointResult r) {
        if (!PointResult.OK.equals(r.status()) || r.little() == null) return null;
        StringBuilder b = new StringBuilder("        ");
        if (r.erlangC() != null && r.responseMs() != null) {
            var e = r.erlangC();
            b.append(String.format(Locale.ROOT, "M/M/%d: mean %.3fms vs Erlang C %.3fms (%+.1f%%), p99 %.3fms vs %.3fms (%+.1f%%), P(wait) %.3f",
                    e.c(), r.responseMs().mean(), e.meanMs(), rel(r.responseMs().mean(), e.meanMs()),
                    r.responseMs().p99(), e.p99Ms(), rel(r.responseMs().p99(), e.p99Ms()), e.waitProbability()));
            if (e.calibratedMeanMs() != null)
                b.append(String.format(Locale.ROOT, "; with the measured service mean %.3fms: mean %+.1f%%, p99 %+.1f%%",
                        r.serviceMs().mean(), rel(r.responseMs().mean(), e.calibratedMeanMs()), rel(r.responseMs().p99(), e.calibratedP99Ms())));
            if (r.selfTest() != null) b.append("\n        ").append(SelfTestVerdict.describe(r.selfTest()));
            if (r.handoffMs() != null)
                b.append(String.format(Locale.ROOT, "\n        hand-off (submit -> start, a worker free): mean %.3fms p50 %.3fms p99 %.3fms (%d items); response - service %.3fms",
                        r.handoffMs().mean(), r.handoffMs().p50(), r.handoffMs().p99(), r.handoffMs().count(),
                        r.responseMs().mean() - r.serviceMs().mean()));
            b.append("\n        ");
        }
        var l = r.little();
        b.append(String.format(Locale.ROOT, "Little: L %.2f measured vs lambda*W %.2f (%.0f/s x %.3fms, %+.1f%%)",
                l.l(), l.lComputed(), l.lambda(), l.wS() * 1e3, l.relError() * 100));
        return b.toString();
    }

    private static double rel(double measured, double predicted) { return predicted == 0 ? 0 : (measured - predicted) / predicted * 100; }

    /**
     * The end-of-run table: design, width, repeat, throughput, p50, p99, p99.9, errors, and the point's verdict
     * from {@code verdict} (PASS, FINDING: a missed SLO the gate does not cover, FAIL, or the status of a point that
     * did not complete), then the run's verdict line.
     */
    public static String table(List<PointResult> points, io.fanlab.reports.analysis.Verdict verdict) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-14s %5s %3s %11s %9s %9s %9s %8s %7s %s%n", "design", "width", "rep", "throughput", "p50 ms", "p99 ms", "p99.9 ms", "errors", "shed", "verdict"));
        for (PointResult p : points) {
            var pv = verdict.point(p.id());
            String cell = pv == null ? p.status().toUpperCase(Locale.ROOT) : pv.label();
            PointResult.Latency l = p.responseMs();
            b.append(String.format(Locale.ROOT, "%-14s %5d %3d %9.0f/s %9.2f %9.2f %9.2f %8d %7d %s%n", p.design(), p.width(), p.repeat(), p.throughput(),
                    l == null ? Double.NaN : l.p50(), l == null ? Double.NaN : l.p99(), l == null ? Double.NaN : l.p999(),
                    p.failed() + p.timedOut() + p.deadLettered(), p.shed(), cell));
        }
        b.append("verdict: ").append(verdict.headline()).append(" -> exit ").append(verdict.exitCode()).append('\n');
        return b.toString();
    }
}
