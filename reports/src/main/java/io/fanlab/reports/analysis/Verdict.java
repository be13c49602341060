package io.fanlab.reports.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunEvent;
import io.fanlab.reports.run.RunRecord;

/**
 * The run's one verdict: the CLI's exit code, the console table's verdict column, the headline of
 * {@code report.html} and the gate case of {@code junit.xml} all read this, so they cannot disagree.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li><b>Run failed</b> ({@link Outcome#RUN_FAILED}, exit 3) when the run did not finish, a point started but left
 *       no record, or a point did not complete (status failed, crashed or aborted).</li>
 *   <li><b>Checks</b> gate every completed point: it is valid (the load generator kept up), it conserved items
 *       ({@code conservation_ok}), it leaked no thread ({@code leaked_threads == 0}), whether or not the scenario
 *       lists {@code nothing_lost} or {@code no_leaked_threads} as SLOs.</li>
 *   <li>A point that {@code sweep.abort_on_fail} ended early ({@code stopped_early}: a gated SLO was already lost)
 *       fails, saying when it stopped.</li>
 *   <li><b>SLOs</b> gate the points the {@link Gate} names; a missed SLO elsewhere is a <em>finding</em> (shown in
 *       red, not a failure). With the default gate each design must also have a recommended width.</li>
 * </ol>
 * {@link Outcome#FAIL} (exit 1) when a check or a gated SLO failed, else {@link Outcome#PASS} (exit 0).
 *
 * <p>Pure function of the {@link RunRecord} and its {@link Analysis}; thread-safe.
 *
 * @param outcome  the outcome
 * @param gate     the gate applied
 * @param points   one per point record, in run order
 * @param failures why the run failed (run-level and per point), empty on a pass
 * @param findings missed SLOs that the gate does not cover, one line each
 */
public record Verdict(Outcome outcome, Gate gate, List<PointVerdict> points, List<String> failures, List<String> findings) {

    /** SLO kinds that are correctness checks: they gate every point whatever the gate mode. */
    public static final Set<String> CHECK_KINDS = Set.of("nothing_lost", "no_leaked_threads");

    public Verdict {
        points = List.copyOf(points);
        failures = List.copyOf(failures);
        findings = List.copyOf(findings);
    }

    public enum Outcome {
        PASS(0), FAIL(1), RUN_FAILED(3);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The CLI's exit code for this outcome (0, 1 or 3; 2 is bad input, decided before anything runs). */
        public int exitCode() {
            return exitCode;
        }
    }

    /** A point's state: passed, passed with findings (missed SLOs the gate does not cover), failed, or did not complete. */
    public enum PointState { PASS, FINDING, FAIL, NOT_COMPLETED }

    /**
     * @param id       point id
     * @param state    the point's state
     * @param failures what failed and gates (checks, gated SLO names), empty unless {@code FAIL}/{@code NOT_COMPLETED}
     * @param findings SLO names missed where the gate does not look
     * @param checkFailed true when a check failed (invalid, items lost, leaked threads): a failure whatever the gate
     */
    public record PointVerdict(String id, PointState state, List<String> failures, List<String> findings, boolean checkFailed) {
        public PointVerdict {
            failures = List.copyOf(failures);
            findings = List.copyOf(findings);
        }

        /** The console table's verdict cell: {@code PASS}, {@code FINDING (p99 response <= 50ms)}, {@code FAIL (3 leaked threads)}. */
        public String label() {
            return switch (state) {
                case PASS -> "PASS";
                case FINDING -> "FINDING (" + String.join(", ", findings) + ")";
                case FAIL -> "FAIL (" + String.join(", ", failures) + ")"
                    + (findings.isEmpty() ? "" : " + finding (" + String.join(", ", findings) + ")");
                case NOT_COMPLETED -> String.join(", ", failures).toUpperCase(Locale.ROOT);
            };
        }
    }

    /** The exit code of the run: {@code outcome().exitCode()}. */
    public int exitCode() {
        return outcome.exitCode();
    }

    /** The verdict of point {@code id}, or null when the run has no record of it. */
    public PointVerdict point(String id) {
        for (PointVerdict p : points) if (p.id().equals(id)) return p;
        return null;
    }

    /** One line: {@code "PASS (gate: recommended; 2 findings)"}, {@code "FAIL (gate: recommended): engine w=4 r0: 1 leaked thread"}. */
    public String headline() {
        String g = "gate: " + gate.describe();
        return switch (outcome) {
            case PASS -> "PASS (" + g + (findings.isEmpty() ? "" : "; " + findings.size() + " finding" + (findings.size() == 1 ? "" : "s") + ", not gated") + ")";
            case FAIL -> "FAIL (" + g + "): " + String.join("; ", failures);
            case RUN_FAILED -> "RUN FAILED (" + g + "): " + String.join("; ", failures);
        };
    }

    /** Computes the verdict of {@code run} with its analysis (the recommendation comes from there). */
    public static Verdict of(RunRecord run, Analysis analysis) {
        Gate gate = Gate.of(run.header().gate());
        List<String> failures = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        boolean runFailed = false;
        if (!run.finished()) {
            runFailed = true;
            failures.add("run not finished");
        }
        TreeSet<String> known = new TreeSet<>();
        run.points().forEach(p -> known.add(p.id()));
        for (RunEvent e : run.events()) {
            if ("point_start".equals(e.type()) && e.point() != null && known.add(e.point())) {
                runFailed = true;
                failures.add("point " + e.point() + " started but left no record");
            }
        }
        String stopped = run.header().stoppedEarly();
        if (stopped != null && !stopped.isEmpty()) failures.add("sweep stopped early (sweep.abort_on_fail): " + stopped);
        Map<String, Integer> recommended = new LinkedHashMap<>();
        for (Analysis.Recommendation r : analysis.recommendations()) recommended.put(r.design(), r.width());

        List<PointVerdict> pvs = new ArrayList<>();
        for (PointRecord p : run.points()) {
            if (!p.ok()) {
                runFailed = true;
                String err = p.result().error() == null ? "" : p.result().error();
                pvs.add(new PointVerdict(p.id(), PointState.NOT_COMPLETED, List.of(p.status()), List.of(), false));
                failures.add(p.label() + ": " + p.status() + (err.isEmpty() ? "" : " (" + err + ")"));
                continue;
            }
            List<String> pf = new ArrayList<>();
            List<String> pfind = new ArrayList<>();
            if (!p.valid()) pf.add("invalid");
            boolean conserving = p.result().conservationOk();
            if (!conserving) pf.add("items lost");
            long leaked = p.result().leakedThreads();
            if (leaked > 0) pf.add(leaked + " leaked thread" + (leaked == 1 ? "" : "s"));
            boolean checkFailed = !pf.isEmpty();
            boolean gated = gates(gate, p, recommended.get(p.design()));
            for (PointResult.SloVerdict s : PointRecord.each(p.result().slos())) {
                if (s.pass()) continue;
                String name = s.name() == null ? "slo" : s.name();
                String kind = s.kind() == null ? "" : s.kind();
                if (CHECK_KINDS.contains(kind)) {
                    // the same fact as the check above: name it once
                    if (("nothing_lost".equals(kind) && conserving) || ("no_leaked_threads".equals(kind) && leaked == 0)) {
                        pf.add(name);
                        checkFailed = true;
                    }
                } else if (gated) {
                    pf.add(name);
                } else {
                    pfind.add(name);
                }
            }
            String stoppedEarly = p.result().stoppedEarly();
            if (stoppedEarly != null && !stoppedEarly.isEmpty()) // sweep.abort_on_fail ended the point once a gated SLO was lost
                pf.add(String.format(Locale.ROOT, "stopped early at %.1fs (sweep.abort_on_fail; why: point.json stopped_early)",
                        PointRecord.orNaN(p.result().stoppedAtS())));
            PointState state = !pf.isEmpty() ? PointState.FAIL : !pfind.isEmpty() ? PointState.FINDING : PointState.PASS;
            pvs.add(new PointVerdict(p.id(), state, pf, pfind, checkFailed));
            if (!pf.isEmpty()) failures.add(p.label() + ": " + String.join(", ", pf));
            if (!pfind.isEmpty()) findings.add(p.label() + ": " + String.join(", ", pfind));
        }

        // gate-level requirements: a recommended width per design, or the gated widths measured
        for (String design : run.designs()) {
            boolean anyOk = run.points().stream().anyMatch(p -> p.design().equals(design) && p.ok());
            if (!anyOk) continue; // already a run failure
            if (gate.mode() == Gate.Mode.RECOMMENDED && recommended.get(design) == null) {
                String reason = analysis.recommendations().stream().filter(r -> r.design().equals(design))
                    .map(Analysis.Recommendation::reason).filter(x -> x != null).findFirst().orElse("no analysis");
                failures.add(design + ": no recommended width (" + reason + ")");
            }
            if (gate.mode() == Gate.Mode.WIDTHS) {
                for (int w : gate.widths()) {
                    boolean measured = run.points().stream().anyMatch(p -> p.design().equals(design) && p.width() == w && p.ok());
                    if (!measured) failures.add(design + ": gated width " + w + " has no completed point");
                }
            }
        }
        Outcome outcome = runFailed ? Outcome.RUN_FAILED : failures.isEmpty() ? Outcome.PASS : Outcome.FAIL;
        return new Verdict(outcome, gate, pvs, failures, findings);
    }

    /** True when the gate judges {@code p}'s SLOs. */
    static boolean gates(Gate gate, PointRecord p, Integer recommendedWidth) {
        return switch (gate.mode()) {
            case EVERY_POINT -> true;
            case WIDTHS -> gate.widths().contains(p.width());
            case RECOMMENDED -> recommendedWidth != null && recommendedWidth == p.width();
        };
    }

    /** The {@code verdict} object of results.json (shape in RESULTS.md). */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode v = json.createObjectNode();
        v.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        v.put("exit_code", exitCode());
        ObjectNode g = v.putObject("gate");
        g.put("mode", gate.mode().key());
        if (gate.mode() == Gate.Mode.WIDTHS) gate.widths().forEach(g.putArray("widths")::add);
        v.put("headline", headline());
        failures.forEach(v.putArray("failures")::add);
        findings.forEach(v.putArray("findings")::add);
        ArrayNode ps = v.putArray("points");
        for (PointVerdict p : points) {
            ObjectNode o = ps.addObject();
            o.put("id", p.id());
            o.put("state", p.state().name().toLowerCase(Locale.ROOT));
            p.failures().forEach(o.putArray("failures")::add);
            p.findings().forEach(o.putArray("findings")::add);
        }
        return v;
    }
}
