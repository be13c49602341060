package io.fanlab.reports.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import io.fanlab.reports.run.PointRecord;
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
 *       one case per SLO named {@code "...: <slo name>"}, failing with actual vs limit and the margin.</li>
 *   <li>{@code time} is the point's measured window in seconds on its {@code completed} case, 0 elsewhere, so a
 *       suite's time is the measured time of its points.</li>
 * </ul>
 * Every string from the run directory is XML-escaped; characters XML 1.0 forbids are dropped. Pure function; thread-safe.
 */
public final class JUnitXmlWriter {

    private JUnitXmlWriter() {
    }

    private record Case(String name, double timeS, String failureMessage, String failureBody, String type) {

        Case(String name, double timeS, String failureMessage, String failureBody) {
            this(name, timeS, failureMessage, failureBody, "fanlab.slo");
        }
    }

    /** The whole document. */
    public static String render(RunRecord run) {
        String scenario = run.results().path("scenario").asText("run");
        List<String> suites = new ArrayList<>();
        int totalTests = 0;
        int totalFailures = 0;
        for (String design : run.designs()) {
            List<Case> cases = new ArrayList<>();
            for (PointRecord p : run.points()) {
                if (p.design().equals(design)) cases.addAll(casesOf(p));
            }
            suites.add(suite(design, "fanlab." + scenario + "." + design, cases));
            totalTests += cases.size();
            totalFailures += (int) cases.stream().filter(c -> c.failureMessage() != null).count();
        }
        List<Case> runCases = new ArrayList<>();
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
        suites.add(suite("run", "fanlab." + scenario + ".run", runCases));
        totalTests += runCases.size();
        totalFailures += (int) runCases.stream().filter(c -> c.failureMessage() != null).count();

        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuites name=\"").append(esc("fanlab " + run.results().path("run_id").asText(scenario)))
            .append("\" tests=\"").append(totalTests).append("\" failures=\"").append(totalFailures)
            .append("\" errors=\"0\">\n");
        suites.forEach(sb::append);
        sb.append("</testsuites>\n");
        return sb.toString();
    }

    private static List<Case> casesOf(PointRecord p) {
        List<Case> cases = new ArrayList<>();
        String prefix = p.label() + ": ";
        String err = p.raw().path("error").asText("");
        double time = p.num("measure_s");
        cases.add(new Case(prefix + "completed", Double.isFinite(time) ? time : 0, p.ok() ? null : "status " + p.status() + (err.isEmpty() ? "" : ": " + err),
            "point " + p.id() + " ended with status " + p.status() + (err.isEmpty() ? "" : "\n" + err), "fanlab.status"));
        if (p.ok()) {
            JsonNode g = p.raw().path("generator");
            List<String> reasons = new ArrayList<>();
            p.raw().path("validity").path("invalid_reasons").forEach(r -> reasons.add(r.asText()));
            String why = !reasons.isEmpty() ? "invalid: " + String.join("; ", reasons)
                : g.path("fell_behind").asBoolean(false)
                ? "load generator fell behind: lag p99 " + g.path("lag_p99_us").asText("?") + " us, max "
                    + g.path("lag_max_us").asText("?") + " us, missed starts " + g.path("missed_starts").asText("?")
                : "marked invalid by the harness";
            cases.add(new Case(prefix + "valid", 0, p.valid() ? null : why,
                why + "; warnings: " + p.raw().path("warnings").toString(), "fanlab.validity"));
        }
        for (JsonNode s : p.raw().path("slos")) {
            String name = s.path("name").asText("slo");
            boolean pass = s.path("pass").asBoolean(false);
            String detail = sloDetail(s);
            cases.add(new Case(prefix + name, 0, pass ? null : detail, detail));
        }
        return cases;
    }

    /**
     * {@code "actual 63.2 ms, limit 50 ms, margin -26.4%"}; ratios as percentages ({@code "actual 4.2%, limit 1%"});
     * parts that are null are left out.
     */
    public static String sloDetail(JsonNode s) {
        String unit = s.path("unit").isTextual() ? " " + s.path("unit").asText() : "";
        List<String> parts = new ArrayList<>();
        double actual = PointRecord.num(s, "actual");
        double limit = PointRecord.num(s, "limit");
        double margin = PointRecord.num(s, "margin");
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
        double time = cases.stream().mapToDouble(Case::timeS).sum();
        StringBuilder sb = new StringBuilder();
        sb.append("  <testsuite name=\"").append(esc(name)).append("\" tests=\"").append(cases.size())
            .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"0\" time=\"")
            .append(String.format(Locale.ROOT, "%.3f", time)).append("\">\n");
        for (Case c : cases) {
            sb.append("    <testcase classname=\"").append(esc(classname)).append("\" name=\"").append(esc(c.name()))
                .append("\" time=\"").append(String.format(Locale.ROOT, "%.3f", c.timeS())).append('"');
            if (c.failureMessage() == null) {
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
