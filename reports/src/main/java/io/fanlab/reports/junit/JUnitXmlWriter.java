package io.fanlab.reports.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;
import io.fanlab.reports.run.RunEvent;
import io.fanlab.reports.run.RunRecord;

/**
 * Renders a run's verdict as JUnit XML (the Ant/Surefire dialect CI servers read).
 *
 * <ul>
 *   <li>One {@code <testsuite>} per design (name = design), in design order, plus a {@code run} suite with the
 *       run-level checks ({@code finished}, and one {@code recorded} case per point that started but left no
 *       record).</li>
 *   <li>Per point, in run order: {@code "<design> w=<width> r<repeat>: completed"} (fails unless status is ok),
 *       {@code "...: valid"} (fails when the harness marked the point invalid, e.g. the generator fell behind), then
 *       one case per SLO named {@code "...: <slo key>"} (the SLO without its limit, e.g. {@code "p99 response"}, so
 *       a CI trend follows one test when a limit changes), failing with actual vs limit and the margin when the
 *       {@link Verdict} gates that point, and <em>skipped</em> with the same detail when it is a finding (a missed
 *       SLO the gate does not cover). Completed points also get {@code "...: nothing lost"} and
 *       {@code "...: no leaked threads"} cases when the scenario does not list those SLOs: they are checks.</li>
 *   <li>The {@code run} suite's {@code "gate (<mode>)"} case carries the {@link Verdict}: it fails exactly when the
 *       CLI exits non-zero for this run, with the verdict's reasons.</li>
 *   <li>{@code time} is the point's measured window in seconds on its {@code completed} case, 0 elsewhere, so a
 *       suite's time is the measured time of its points.</li>
 * </ul>
 * Every string from the run directory is XML-escaped; characters XML 1.0 forbids are dropped. Pure function; thread-safe.
 */
public final class JUnitXmlWriter {

    private JUnitXmlWriter() {
    }

    private record Case(String name, double timeS, String failureMessage, String failureBody, String type, String skipped) {

        Case(String name, double timeS, String failureMessage, String failureBody, String type) {
            this(name, timeS, failureMessage, failureBody, type, null);
        }

        Case(String name, double timeS, String failureMessage, String failureBody) {
            this(name, timeS, failureMessage, failureBody, "fanlab.slo", null);
        }
    }

    /** The whole document; {@code verdict} decides which missed SLOs fail and which are skipped as findings. */
    public static String render(RunRecord run, Verdict verdict) {
        String scenario = run.scenario("run");
        Suites s = suites(run, verdict, "");
        return document("fanlab " + (run.header().runId() == null ? scenario : run.header().runId()), List.of(s));
    }

    /**
     * The {@code <testsuite>} elements of one run (one per design, then {@code run}), each suite name prefixed with
     * {@code namePrefix} (e.g. {@code "capacity."} when several runs share one file, as in {@code fanlab nightly}).
     *
     * @param xml      the suite elements, indented for a {@code <testsuites>} parent
     * @param tests    number of test cases
     * @param failures number of failed cases
     */
    public record Suites(String xml, int tests, int failures) {
    }

    /** See {@link Suites}. */
    public static Suites suites(RunRecord run, Verdict verdict, String namePrefix) {
        String scenario = run.scenario("run");
        StringBuilder suites = new StringBuilder();
        int totalTests = 0;
        int totalFailures = 0;
        for (String design : run.designs()) {
            List<Case> cases = new ArrayList<>();
            for (PointRecord p : run.points()) {
                if (p.design().equals(design)) cases.addAll(casesOf(p, verdict.point(p.id())));
            }
            suites.append(suite(namePrefix + design, "fanlab." + scenario + "." + design, cases));
            totalTests += cases.size();
            totalFailures += (int) cases.stream().filter(c -> c.failureMessage() != null).count();
        }
        List<Case> runCases = new ArrayList<>();
        runCases.add(new Case("gate (" + verdict.gate().mode().key() + ")", 0,
            verdict.outcome() == Verdict.Outcome.PASS ? null : verdict.headline(),
            String.join("\n", verdict.failures()), "fanlab.gate"));
        runCases.add(new Case("run finished", 0, run.finished() ? null : "run not finished (finished: false)",
            "results.json says finished: false; the sweep stopped before its last point", "fanlab.status"));
        TreeSet<String> known = new TreeSet<>();
        run.points().forEach(p -> known.add(p.id()));
        for (RunEvent e : run.events()) {
            if ("point_start".equals(e.type()) && e.point() != null && known.add(e.point())) {
                runCases.add(new Case("point " + e.point() + " recorded", 0, "point started but has no record",
                    "point_start at t=" + e.tS() + " s, no point.json and no entry in results.json (killed or crashed)", "fanlab.status"));
            }
        }
        suites.append(suite(namePrefix + "run", "fanlab." + scenario + ".run", runCases));
        totalTests += runCases.size();
        totalFailures += (int) runCases.stream().filter(c -> c.failureMessage() != null).count();
        return new Suites(suites.toString(), totalTests, totalFailures);
    }

    /**
     * A single extra suite (for callers that add their own checks, such as a nightly's regression cases): each case
     * is {@code name -> failure message}, null for a pass.
     */
    public static Suites suite(String name, String classname, java.util.Map<String, String> cases) {
        List<Case> cs = new ArrayList<>();
        cases.forEach((n, f) -> cs.add(new Case(n, 0, f, f == null ? null : f, "fanlab.check")));
        return new Suites(suite(name, classname, cs), cs.size(), (int) cs.stream().filter(c -> c.failureMessage() != null).count());
    }

    /** A {@code <testsuites>} document around {@code parts}. */
    public static String document(String name, List<Suites> parts) {
        int tests = parts.stream().mapToInt(Suites::tests).sum();
        int failures = parts.stream().mapToInt(Suites::failures).sum();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuites name=\"").append(esc(name)).append("\" tests=\"").append(tests).append("\" failures=\"")
            .append(failures).append("\" errors=\"0\">\n");
        parts.forEach(p -> sb.append(p.xml()));
        sb.append("</testsuites>\n");
        return sb.toString();
    }

    private static List<Case> casesOf(PointRecord p, Verdict.PointVerdict pv) {
        List<Case> cases = new ArrayList<>();
        String prefix = p.label() + ": ";
        PointResult r = p.result();
        String err = r.error() == null ? "" : r.error();
        double time = r.measureS();
        cases.add(new Case(prefix + "completed", Double.isFinite(time) ? time : 0, p.ok() ? null : "status " + p.status() + (err.isEmpty() ? "" : ": " + err),
            "point " + p.id() + " ended with status " + p.status() + (err.isEmpty() ? "" : "\n" + err), "fanlab.status"));
        if (p.ok()) {
            PointResult.Generator g = r.generator();
            List<String> reasons = r.validity() == null || r.validity().invalidReasons() == null ? List.of() : r.validity().invalidReasons();
            String why = !reasons.isEmpty() ? "invalid: " + String.join("; ", reasons)
                : g != null && g.fellBehind()
                ? "load generator fell behind: lag p99 " + num(g.lagP99Us()) + " us, max "
                    + num(g.lagMaxUs()) + " us, missed starts " + g.missedStarts()
                : "marked invalid by the harness";
            cases.add(new Case(prefix + "valid", 0, p.valid() ? null : why,
                why + "; warnings: " + json(r.warnings()), "fanlab.validity"));
        }
        java.util.Set<String> kinds = new java.util.HashSet<>();
        for (PointResult.SloVerdict s : slos(r)) {
            String name = s.name() == null ? "slo" : s.name();
            kinds.add(s.kind() == null ? "" : s.kind());
            String detail = sloDetail(s);
            boolean finding = !s.pass() && pv != null && pv.findings().contains(name);
            cases.add(finding
                ? new Case(prefix + stableName(s), 0, null, null, "fanlab.slo", "finding, not gated: " + name + ": " + detail)
                : new Case(prefix + stableName(s), 0, s.pass() ? null : name + ": " + detail, detail));
        }
        if (p.ok()) {
            if (!kinds.contains("nothing_lost")) {
                boolean ok = r.conservationOk();
                cases.add(new Case(prefix + "nothing lost", 0, ok ? null : "conservation failed",
                    "offered " + r.offered() + " != the sum of terminal outcomes, or an item ended twice", "fanlab.check"));
            }
            if (!kinds.contains("no_leaked_threads")) {
                long leaked = r.leakedThreads();
                cases.add(new Case(prefix + "no leaked threads", 0, leaked == 0 ? null : leaked + " leaked thread(s)",
                    "alive after the design closed: " + json(r.leakedThreadNames()), "fanlab.check"));
            }
        }
        return cases;
    }

    /** The point's SLO verdicts; empty when the record has none. */
    public static List<PointResult.SloVerdict> slos(PointResult r) {
        return r.slos() == null ? List.of() : r.slos();
    }

    /** A list as compact JSON ({@code ["a","b"]}; {@code []} for null). */
    private static String json(List<String> values) {
        try {
            return RunJson.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The SLO's name without its limit ({@code key} in the point record, e.g. {@code "p99 response"}); run
     * directories written before {@code key} existed fall back to {@code name}.
     */
    public static String stableName(PointResult.SloVerdict slo) {
        String key = slo.key() == null ? "" : slo.key();
        return key.isEmpty() ? (slo.name() == null ? "slo" : slo.name()) : key;
    }

    /**
     * {@code "actual 63.2 ms, limit 50 ms, margin -26.4%"}; ratios as percentages ({@code "actual 4.2%, limit 1%"});
     * parts that are null are left out.
     */
    public static String sloDetail(PointResult.SloVerdict s) {
        String unit = s.unit() != null ? " " + s.unit() : "";
        List<String> parts = new ArrayList<>();
        double actual = s.actual() == null ? Double.NaN : s.actual();
        double limit = s.limit() == null ? Double.NaN : s.limit();
        double margin = s.margin() == null ? Double.NaN : s.margin();
        boolean ratio = " ratio".equals(unit);
        parts.add("actual " + (Double.isFinite(actual) ? (ratio ? percent(actual) : num(actual) + unit) : "n/a"));
        if (Double.isFinite(limit)) parts.add("limit " + (ratio ? percent(limit) : num(limit) + unit));
        if (Double.isFinite(margin)) parts.add(String.format(Locale.ROOT, "margin %+.1f%%", margin * 100));
        return String.join(", ", parts);
    }

    static String percent(double ratio) {
        return num(ratio * 100) + "%";
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    private static String suite(String name, String classname, List<Case> cases) {
        long failures = cases.stream().filter(c -> c.failureMessage() != null).count();
        long skipped = cases.stream().filter(c -> c.skipped() != null).count();
        double time = cases.stream().mapToDouble(Case::timeS).sum();
        StringBuilder sb = new StringBuilder();
        sb.append("  <testsuite name=\"").append(esc(name)).append("\" tests=\"").append(cases.size())
            .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(skipped).append("\" time=\"")
            .append(String.format(Locale.ROOT, "%.3f", time)).append("\">\n");
        for (Case c : cases) {
            sb.append("    <testcase classname=\"").append(esc(classname)).append("\" name=\"").append(esc(c.name()))
                .append("\" time=\"").append(String.format(Locale.ROOT, "%.3f", c.timeS())).append('"');
            if (c.skipped() != null) {
                sb.append(">\n      <skipped message=\"").append(esc(c.skipped())).append("\"/>\n    </testcase>\n");
            } else if (c.failureMessage() == null) {
                sb.append("/>\n");
            } else {
                sb.append(">\n      <failure message=\"").append(esc(c.failureMessage())).append("\" type=\"").append(c.type()).append("\">")
                    .append(esc(c.failureBody())).append("</failure>\n    </testcase>\n");
            }
        }
        sb.append("  </testsuite>\n");
        return sb.toString();
    }

    /** XML-escapes text and attribute values; drops characters XML 1.0 does not allow. */
    public static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                        || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000) {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.toString();
    }
}
