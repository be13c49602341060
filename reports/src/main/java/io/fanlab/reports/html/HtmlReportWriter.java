package io.fanlab.reports.html;

import static io.fanlab.reports.html.Html.dv;
import static io.fanlab.reports.html.Html.esc;
import static io.fanlab.reports.html.Html.num;
import static io.fanlab.reports.html.Html.pct;
import static io.fanlab.reports.run.PointRecord.each;
import static io.fanlab.reports.run.PointRecord.orNaN;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.Bootstrap;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.junit.JUnitXmlWriter;
import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunEnvironment;
import io.fanlab.reports.run.RunHeader;
import io.fanlab.reports.run.RunRecord;
import io.fanlab.reports.usl.UslResult;

/**
 * Renders the self-contained capacity report: one HTML file with uPlot (from its WebJar on the classpath), the CSS,
 * the renderer script and the chart data inlined; no network access when opened.
 *
 * <p>Section order: validity warnings and SLO verdict, the answer (recommended width vs USL), sweep charts, time
 * series per point, stages, scatter-gather, correctness, footer. Tables are rendered here (HTML-escaped, sortable by
 * a few lines of inline JS); charts are drawn in the browser from JSON specs. The page marks
 * {@code <body data-charts-expected data-charts-drawn data-errors>} once its script has run, for headless checks.
 *
 * <p>Pure function of its inputs; thread-safe. Fails with {@link UncheckedIOException} only when the uPlot WebJar or
 * the bundled resources are missing from the classpath (a packaging error).
 */
public final class HtmlReportWriter {

    /** How the charts' whiskers are computed, for their notes. */
    static final String INTERVALS = "95% percentile-bootstrap intervals of the mean over repeats (" + Bootstrap.RESAMPLES
        + " resamples, seeded), where a width ran more than once (valid repeats only; with 2 or 3 repeats they reach the"
        + " repeats' min and max, so read them as a range, not a confidence)";

    static final String UPLOT_DIR = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    private HtmlReportWriter() {
    }

    /** The whole page. */
    public static String render(RunRecord run, Analysis analysis, Verdict verdict) {
        ObjectMapper json = new ObjectMapper();
        ChartSpecs charts = new ChartSpecs(json, run, analysis);
        String scenario = run.scenario("");
        String runId = run.runId();
        StringBuilder b = new StringBuilder(256 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>fanlab report \u2014 ").append(esc(runId)).append("</title>\n<style>\n")
            .append(resource(UPLOT_DIR + "uPlot.min.css")).append('\n').append(resource("io/fanlab/reports/html/report.css"))
            .append("</style>\n</head>\n<body>\n");
        header(b, run, runId, scenario);
        warnings(b, run, analysis);
        verdict(b, run, verdict);
        answer(b, run, analysis);
        CaptureSection.render(b, run, analysis, charts.charts());
        selfTest(b, run);

        b.append("<h2 id=\"sweep\">Sweep</h2>\n");
        String tp = charts.throughputSweep();
        if (tp != null) {
            b.append("<div class=\"chart\" id=\"").append(tp).append("\"></div>\n<p class=\"chart-note\">Markers: mean over ")
                .append("completed, valid repeats (grey: invalid points, excluded from the analysis). Dashed: USL fit. Dotted: linear scaling from the smallest width")
                .append("open".equals(run.loadModel()) ? "; fine dotted black: the offered rate (open load)" : "")
                .append(". Short dashes: the plateau threshold (the recommendation rule's share of the plateau); vertical dashed line:")
                .append(" the recommended width. Dark red dashed: SLO limits. Whiskers: ").append(INTERVALS)
                .append(". Y axis capped at 1.25\u00D7 the highest measured value.</p>\n");
        }
        List<String> lat = charts.latencySweeps();
        List<String> hockey = charts.latencyVsThroughput();
        if (!lat.isEmpty()) {
            b.append("<div class=\"grid2\">");
            for (int i = 0; i < lat.size(); i++) {
                b.append("<div class=\"chart\" id=\"").append(lat.get(i)).append("\"></div>");
                String h = "hockey-" + lat.get(i).substring("sweep-latency-".length());
                if (hockey.contains(h)) b.append("<div class=\"chart\" id=\"").append(h).append("\"></div>");
            }
            b.append("</div>\n<p class=\"chart-note\">Response time = end \u2212 intended start (includes queueing and")
                .append(" coordinated-omission-free waiting). Same log axis for every design. Black dashed: Erlang C (M/M/c)")
                .append(" prediction where the point carries one. Dark red dashed: latency SLO limits. Right of each: the same")
                .append(" percentiles against the throughput each width delivered, joined in width order (the \u201Chockey stick\u201D:")
                .append(" where the curve turns up, more width buys queueing, not throughput); the vertical line marks the")
                .append(" recommended width. p99 whiskers: ").append(INTERVALS).append(".</p>\n");
        }
        String rates = charts.ratesSweep();
        if (rates != null) {
            b.append("<div class=\"chart\" id=\"").append(rates).append("\"></div>\n<p class=\"chart-note\">Dark red dashed:")
                .append(" error-rate and shed-rate SLO limits.</p>\n");
        }

        timeSeries(b, run, charts);
        stages(b, run);
        scatterGather(b, run, charts);
        correctness(b, run);
        footer(b, run);

        ObjectNode data = json.createObjectNode();
        data.set("charts", charts.charts());
        String dataJson;
        try {
            dataJson = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("chart data not serialisable: " + e.getMessage(), e);
        }
        dataJson = dataJson.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        b.append("<pre id=\"js-errors\" hidden></pre>\n");
        b.append("<script type=\"application/json\" id=\"fanlab-data\">").append(dataJson).append("</script>\n");
        b.append("<script>\n").append(resource(UPLOT_DIR + "uPlot.iife.min.js")).append("\n</script>\n");
        b.append("<script>\n").append(resource("io/fanlab/reports/html/report.js")).append("\n</script>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, RunRecord run, String runId, String scenario) {
        RunHeader r = run.header();
        b.append("<h1>Capacity report: ").append(esc(scenario.isEmpty() ? runId : scenario)).append("</h1>\n");
        String desc = r.description() == null ? "" : r.description();
        if (!desc.isEmpty()) b.append("<p class=\"sub\">").append(esc(desc)).append("</p>\n");
        RunHeader.Load load = r.load() == null ? new RunHeader.Load(null, null, null, null) : r.load();
        b.append("<div class=\"meta\"><span>run <b>").append(esc(runId)).append("</b></span><span>started <b>")
            .append(esc(orQ(r.startedAt()))).append("</b></span><span>load <b>")
            .append(esc(orQ(load.model())));
        if (load.offeredRate() != null) b.append(", ").append(num(load.offeredRate())).append("/s offered");
        if (load.fanout() != null) b.append(", fan-out ").append(load.fanout());
        b.append("</b></span><span>points <b>").append(run.points().size()).append("</b></span><span>finished <b>")
            .append(run.finished() ? "yes" : "NO").append("</b></span></div>\n");
    }

    private static void warnings(StringBuilder b, RunRecord run, Analysis a) {
        if (a.warnings().isEmpty()) {
            b.append("<div class=\"ok-box\" id=\"warnings\"><b>No validity warnings.</b> Every point completed, the load")
                .append(" generator kept up, ").append(esc(repeatsSentence(run))).append("</div>\n");
            return;
        }
        b.append("<div class=\"warnings\" id=\"warnings\"><h2>Validity warnings (").append(a.warnings().size())
            .append(")</h2><ul>\n");
        for (String w : a.warnings()) b.append("<li>").append(esc(w)).append("</li>\n");
        b.append("</ul></div>\n");
    }

    /**
     * What the run says about repeats: "repeats agree" only when some width ran at least twice (the analysis flags
     * the ones that disagree); a single repeat tests nothing.
     */
    static String repeatsSentence(RunRecord run) {
        java.util.Map<String, Integer> perWidth = new java.util.HashMap<>();
        for (PointRecord p : run.points()) perWidth.merge(p.design() + "\u0000" + p.width(), 1, Integer::sum);
        int most = perWidth.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return most >= 2 ? "and repeats agree (throughput CV within 10%)."
            : "and each width ran once, so agreement between repeats was not tested (sweep.repeats >= 2 tests it).";
    }

    /** The harness's validity state of a point: {@code valid}, {@code saturated} or {@code invalid} (older runs: from {@code valid}). */
    static String state(PointRecord p) {
        String s = p.result().validity() == null ? null : p.result().validity().state();
        return s == null || s.isEmpty() ? (p.valid() ? "valid" : "invalid") : s;
    }

    private static void selfTest(StringBuilder b, RunRecord run) {
        List<PointRecord> judged = run.points().stream().filter(p -> p.result().selfTest() != null).toList();
        JsonNode floor = null;
        for (io.fanlab.reports.run.RunEvent e : run.events()) if ("calibration".equals(e.type())) floor = e.raw();
        if (judged.isEmpty() && floor == null) return;
        b.append("<h2 id=\"selftest\">Measurement self-test</h2>\n");
        if (floor != null) {
            b.append("<p id=\"harness-floor\"><b>Harness floor</b> (null work: generator, hand-off and recording only, ")
                .append(num(PointRecord.num(floor, "items"))).append(" items at ").append(num(PointRecord.num(floor, "rate")))
                .append("/s): mean ").append(num(PointRecord.num(floor, "mean_ms"))).append(" ms, p50 ")
                .append(num(PointRecord.num(floor, "p50_ms"))).append(" ms, p99 ").append(num(PointRecord.num(floor, "p99_ms")))
                .append(" ms. No design can be measured faster than this on this machine during this run")
                .append(floor.path("too_high").asBoolean(false) ? "; <span class=\"fail\">above the self-test's resolution (mean &gt; 0.1 ms)</span>." : ".")
                .append("</p>\n");
        }
        if (judged.isEmpty()) return;
        b.append("<div class=\"tablewrap\"><table class=\"sortable\" id=\"selftest-table\"><thead><tr><th class=\"l\">point</th>")
            .append("<th>\u03C1</th><th>mean ms</th><th>M/M/c mean ms</th><th>mean error</th><th>p99 ms</th><th>M/M/c p99 ms</th>")
            .append("<th>p99 error</th><th class=\"l\">basis</th><th class=\"l\">verdict</th></tr></thead><tbody>\n");
        for (PointRecord p : judged) {
            PointResult.SelfTest st = p.result().selfTest();
            PointResult.ErlangC ec = p.result().erlangC();
            boolean cal = "calibrated".equals(st.basis());
            double mean = orNaN(p.result().responseMs(), PointResult.Latency::mean), p99 = orNaN(p.result().responseMs(), PointResult.Latency::p99);
            double pm = ec == null ? Double.NaN : cal ? orNaN(ec.calibratedMeanMs()) : ec.meanMs();
            double pp = ec == null ? Double.NaN : cal ? orNaN(ec.calibratedP99Ms()) : ec.p99Ms();
            double me = st.meanError(), pe = st.p99Error();
            String v = st.verdict() == null ? "?" : st.verdict();
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td").append(dv(st.rho())).append('>')
                .append(num(st.rho())).append("</td><td").append(dv(mean)).append('>').append(num(mean))
                .append("</td><td").append(dv(pm)).append('>').append(num(pm)).append("</td><td").append(dv(me)).append('>')
                .append(String.format(java.util.Locale.ROOT, "%+.1f%%", me * 100)).append("</td><td").append(dv(p99)).append('>').append(num(p99))
                .append("</td><td").append(dv(pp)).append('>').append(num(pp)).append("</td><td").append(dv(pe)).append('>')
                .append(String.format(java.util.Locale.ROOT, "%+.1f%%", pe * 100)).append("</td><td class=\"l\">").append(esc(st.basis()))
                .append("</td><td class=\"l ").append("pass".equals(v) ? "pass" : "fail".equals(v) ? "fail" : "na").append("\">")
                .append(esc(v.replace('_', ' '))).append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Pass: |mean error| \u2264 5% and |p99 error| \u2264 10% against")
            .append(" Erlang C at \u03C1 \u2264 0.8; points nearer saturation are reported, not judged (the prediction's sensitivity to")
            .append(" the service rate grows like 1/(1\u2212\u03C1)). Basis \"calibrated\": the prediction uses the service mean this machine")
            .append(" delivered. A failed self-test makes its point invalid: this machine, now, cannot measure to these bounds.</p>\n");
    }

    private static void verdict(StringBuilder b, RunRecord run, Verdict verdict) {
        Set<String> sloNames = new LinkedHashSet<>();
        for (PointRecord p : run.points()) for (PointResult.SloVerdict s : each(p.result().slos())) sloNames.add(s.name());
        long failures = 0, total = 0;
        for (PointRecord p : run.points()) {
            for (PointResult.SloVerdict s : each(p.result().slos())) {
                total++;
                if (!s.pass()) failures++;
            }
        }
        String cls = verdict.outcome() == Verdict.Outcome.PASS ? "pass" : "fail";
        b.append("<h2 id=\"verdict\" data-outcome=\"").append(verdict.outcome().name().toLowerCase(java.util.Locale.ROOT))
            .append("\">Verdict: <span class=\"").append(cls).append("\">")
            .append(switch (verdict.outcome()) { case PASS -> "PASS"; case FAIL -> "FAIL"; case RUN_FAILED -> "RUN FAILED"; })
            .append("</span> <small>(gate: ").append(esc(verdict.gate().describe())).append("; exit code ")
            .append(verdict.exitCode()).append(")</small></h2>\n");
        b.append("<p class=\"rule\"><b>Gate.</b> ").append(esc(switch (verdict.gate().mode()) {
            case RECOMMENDED -> "each design needs a recommended width that meets every SLO in every repeat; "
                + "SLOs missed at other widths are findings (red below), not failures.";
            case EVERY_POINT -> "every SLO at every point.";
            case WIDTHS -> "every SLO at widths " + verdict.gate().widths() + "; SLOs missed at other widths are findings.";
        })).append(" Every point must complete, stay valid, conserve items and leak no thread. ")
            .append(total - failures).append(" of ").append(total).append(" SLO checks pass.</p>\n");
        if (!verdict.failures().isEmpty()) {
            b.append("<div class=\"warnings\" id=\"verdict-failures\"><b>Failed</b><ul>");
            for (String f : verdict.failures()) b.append("<li>").append(esc(f)).append("</li>");
            b.append("</ul></div>\n");
        }
        if (!verdict.findings().isEmpty()) {
            b.append("<p id=\"verdict-findings\"><b>Findings</b> (not gated): <span class=\"fail\">")
                .append(esc(String.join("; ", verdict.findings()))).append("</span></p>\n");
        }
        b.append("<ul class=\"verdict-summary\">");
        for (String design : run.designs()) {
            int dTotal = 0, dPass = 0;
            java.util.Map<String, java.util.TreeSet<Integer>> failing = new java.util.LinkedHashMap<>();
            for (PointRecord p : run.points()) {
                if (!p.design().equals(design)) continue;
                for (PointResult.SloVerdict s : each(p.result().slos())) {
                    dTotal++;
                    if (s.pass()) dPass++;
                    else failing.computeIfAbsent(s.name(), k -> new java.util.TreeSet<>()).add(p.width());
                }
            }
            b.append("<li><b>").append(esc(design)).append("</b>: ").append(dPass).append(" of ").append(dTotal).append(" pass");
            if (!failing.isEmpty()) {
                List<String> parts = new ArrayList<>();
                failing.forEach((n, ws) -> parts.add(n + " fails at w=" + String.join(", ", ws.stream().map(String::valueOf).toList())));
                b.append(" \u2014 <span class=\"fail\">").append(esc(String.join("; ", parts))).append("</span>");
            }
            b.append("</li>");
        }
        b.append("</ul>\n<div class=\"tablewrap\"><table class=\"sortable\" id=\"verdict-table\"><thead><tr>")
            .append("<th class=\"l\">point</th><th class=\"l\">verdict</th><th class=\"l\">status</th><th class=\"l\">valid</th>");
        for (String n : sloNames) b.append("<th>").append(esc(n)).append("</th>");
        b.append("</tr></thead><tbody>\n");
        for (PointRecord p : run.points()) {
            Verdict.PointVerdict pv = verdict.point(p.id());
            String state = pv == null ? "?" : pv.state().name().replace('_', ' ');
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l ")
                .append(pv != null && pv.state() == Verdict.PointState.PASS ? "pass" : "fail").append("\" title=\"")
                .append(esc(pv == null ? "" : pv.label())).append("\">").append(esc(state)).append("</td><td class=\"l ")
                .append(p.ok() ? "pass" : "fail").append("\">").append(esc(p.status())).append("</td><td class=\"l ")
                .append(validCell(p)).append("</td>");
            for (String n : sloNames) {
                PointResult.SloVerdict slo = null;
                for (PointResult.SloVerdict s : each(p.result().slos())) if (n.equals(s.name())) slo = s;
                if (slo == null) {
                    b.append("<td class=\"na\" data-v=\"\">\u2014</td>");
                    continue;
                }
                boolean pass = slo.pass();
                double margin = orNaN(slo.margin());
                b.append("<td class=\"").append(pass ? "pass" : "fail").append('"').append(dv(margin)).append(" title=\"")
                    .append(esc(JUnitXmlWriter.sloDetail(slo))).append("\">").append(pass ? "\u2713 " : "\u2717 ");
                double actual = orNaN(slo.actual());
                if (Double.isFinite(actual)) {
                    String unit = slo.unit() == null ? "" : slo.unit();
                    String shown = "per_s".equals(unit) ? "/s" : "null".equals(unit) || unit.isEmpty() ? "" : " " + unit;
                    b.append(esc("ratio".equals(unit) ? pct(actual) : num(actual) + shown));
                }
                if (Double.isFinite(margin)) b.append(" <small>(").append(String.format(java.util.Locale.ROOT, "%+.0f%%", margin * 100)).append(")</small>");
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Cells: actual value and margin to the limit ")
            .append("(positive = headroom). Hover for the limit. Click a header to sort.</p>\n");
    }

    /** The class and text of the verdict table's "valid" cell: yes, saturated (valid) or no, with the reasons on hover. */
    static String validCell(PointRecord p) {
        String state = state(p);
        List<String> reasons = new ArrayList<>();
        if (p.result().validity() != null) reasons.addAll(each(p.result().validity().invalidReasons()));
        return switch (state) {
            case "saturated" -> "na\" title=\"the design pushed back: figures measure it at capacity\">saturated";
            case "invalid" -> "fail\" title=\"" + esc(String.join("; ", reasons)) + "\">no";
            default -> "pass\">yes";
        };
    }

    private static void answer(StringBuilder b, RunRecord run, Analysis a) {
        b.append("<h2 id=\"answer\">The answer: recommended width</h2>\n<p class=\"rule\"><b>Rule.</b> ")
            .append(esc(a.rule())).append(". Shown next to the Universal Scalability Law fit ")
            .append("X(N) = \u03BBN / (1 + \u03C3(N\u22121) + \u03BAN(N\u22121)), its peak N<sub>peak</sub> = ")
            .append("\u221A((1\u2212\u03C3)/\u03BA) and X<sub>max</sub> = X(N<sub>peak</sub>).</p>\n<div class=\"answer\">\n");
        for (Analysis.Recommendation r : a.recommendations()) {
            Analysis.UslFitSummary u = a.usl().stream().filter(s -> s.design().equals(r.design())).findFirst().orElse(null);
            b.append("<div class=\"card\"><div>").append(esc(r.design()));
            if (!run.finished()) b.append(" <span class=\"fail\">provisional: the run did not finish</span>");
            b.append("</div><div class=\"big\">");
            if (r.width() == null) {
                b.append("no width <small>").append(esc(r.reason())).append("</small>");
            } else {
                b.append("width ").append(r.width());
                if (r.intervalLo() != null) b.append(" <small>repeats: ").append(r.intervalLo()).append("\u2026").append(r.intervalHi()).append("</small>");
            }
            b.append("</div><dl>");
            dl(b, "throughput there", unit(r.throughput(), " /s"));
            dl(b, "p99 there", unit(r.p99Ms(), " ms"));
            dl(b, "plateau (max mean)", unit(r.plateau(), " /s"));
            if (u != null && u.result() != null) {
                UslResult f = u.result();
                dl(b, "USL N<sub>peak</sub>", num(f.nPeak()));
                dl(b, "USL X<sub>max</sub>", unit(f.xMax(), " /s"));
                dl(b, "\u03C3 / \u03BA / \u03BB", num(f.sigma()) + " / " + num(f.kappa()) + " / " + num(f.lambda()) + " /s");
                dl(b, "fit R\u00B2", num(f.r2()));
            } else if (u != null) {
                dl(b, "USL", esc(u.error()));
            }
            b.append("</dl></div>\n");
        }
        b.append("</div>\n");
    }

    private static String unit(double v, String unit) {
        return Double.isFinite(v) ? num(v) + unit : num(v);
    }

    private static void dl(StringBuilder b, String dtHtml, String ddText) {
        b.append("<dt>").append(dtHtml).append("</dt><dd>").append(esc(ddText)).append("</dd>");
    }

    private static void timeSeries(StringBuilder b, RunRecord run, ChartSpecs charts) {
        b.append("<h2 id=\"timeseries\">Time series per point</h2>\n<p class=\"chart-note\">One clock: seconds since run")
            .append(" start. <span class=\"legend-key\"></span> shaded: fault windows (fault_start \u2026 fault_stop).")
            .append(" Right axis: ms (top) and per-interval counts (bottom).</p>\n<div class=\"grid2\">\n");
        int i = 0;
        for (PointRecord p : run.points()) {
            List<String> ids = charts.timeSeries(p, i++);
            b.append("<div class=\"pointcard\" id=\"point-").append(esc(p.id())).append("\"><h3>").append(esc(p.label())).append(" <small class=\"na\">")
                .append(esc(p.status())).append("</small></h3>");
            if (ids.isEmpty()) {
                b.append("<p class=\"na\">no intervals.json for this point</p>");
            }
            for (String id : ids) b.append("<div class=\"chart\" id=\"").append(id).append("\"></div>");
            b.append("</div>\n");
        }
        b.append("</div>\n");
    }

    private static void stages(StringBuilder b, RunRecord run) {
        Set<String> names = new LinkedHashSet<>();
        for (PointRecord p : run.points()) for (PointResult.Stage s : each(p.result().stages())) names.add(s.name());
        if (names.isEmpty()) return;
        b.append("<h2 id=\"stages\">Stages</h2>\n<div class=\"tablewrap\"><table class=\"sortable\" id=\"stages-table\"><thead><tr>")
            .append("<th class=\"l\">point</th><th class=\"l\">bottleneck</th>");
        for (String n : names) {
            b.append("<th>").append(esc(n)).append(" util</th><th>").append(esc(n)).append(" queue share</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (PointRecord p : run.points()) {
            Analysis.Bottleneck bn = SweepAnalysis.bottleneckOf(p);
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l\"><b>")
                .append(esc(bn == null ? "\u2014" : bn.stage())).append("</b></td>");
            for (String n : names) {
                PointResult.Stage st = null;
                for (PointResult.Stage s : each(p.result().stages())) if (n.equals(s.name())) st = s;
                double u = st == null ? Double.NaN : st.utilisation();
                double q = st == null ? Double.NaN : SweepAnalysis.queueShare(st);
                b.append("<td").append(dv(u)).append(bn != null && n.equals(bn.stage()) ? " class=\"fail\"" : "").append('>')
                    .append(pct(u)).append("</td><td").append(dv(q)).append('>').append(pct(q)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Utilisation: busy time / (width \u00D7 measured time).")
            .append(" Queue share: mean queue time / (mean queue time + mean service time). Bottleneck: the stage with")
            .append(" the highest utilisation.</p>\n");
    }

    private static void scatterGather(StringBuilder b, RunRecord run, ChartSpecs charts) {
        String id = charts.scatterGather();
        if (id == null) return;
        b.append("<h2 id=\"scatter-gather\">Scatter-gather</h2>\n<div class=\"grid2\"><div class=\"chart\" id=\"").append(id)
            .append("\"></div><div class=\"tablewrap\"><table class=\"sortable\"><thead><tr><th class=\"l\">point</th>")
            .append("<th>item p99 (ms)</th><th>request p99 (ms)</th><th>amplification</th></tr></thead><tbody>\n");
        for (PointRecord p : run.points()) {
            double req = orNaN(p.result().requestMs(), PointResult.Latency::p99);
            if (!Double.isFinite(req)) continue;
            double item = orNaN(p.result().responseMs(), PointResult.Latency::p99);
            double amp = req / item;
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td").append(dv(item)).append('>')
                .append(num(item)).append("</td><td").append(dv(req)).append('>').append(num(req)).append("</td><td")
                .append(dv(amp)).append('>').append(num(amp)).append("\u00D7</td></tr>\n");
        }
        b.append("</tbody></table></div></div>\n<p class=\"chart-note\">A request completes when its slowest item does,")
            .append(" so with k independent items its p99 sits near the item's 100\u00B70.99^(1/k) percentile (p99.75 for k = 4): tail amplification.</p>\n");
    }

    private static void correctness(StringBuilder b, RunRecord run) {
        b.append("<h2 id=\"correctness\">Correctness</h2>\n<div class=\"tablewrap\"><table class=\"sortable\" id=\"correctness-table\"><thead><tr>")
            .append("<th class=\"l\">point</th><th>offered</th><th>completed</th><th>failed</th><th>shed</th><th>timed out</th>")
            .append("<th>cancelled</th><th>dead-lettered</th><th class=\"l\">conserved</th><th>leaked threads</th>")
            .append("<th>cancel (ms)</th><th>L measured</th><th>\u03BB\u00B7W</th><th>Little error</th>")
            .append("<th>unfinished</th><th>censored</th><th>reorder max</th></tr></thead><tbody>\n");
        for (PointRecord p : run.points()) {
            PointResult r = p.result();
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td>");
            for (double v : new double[] {r.offered(), r.completed(), r.failed(), r.shed(), r.timedOut(), r.cancelled(), r.deadLettered()}) {
                b.append("<td").append(dv(v)).append('>').append(num(v)).append("</td>");
            }
            // a point that never ran (failed to start, crashed) has no conservation verdict to show
            boolean known = p.ok();
            b.append("<td class=\"l ").append(!known ? "na\">\u2014" : r.conservationOk() ? "pass\">\u2713 yes" : "fail\">\u2717 NO").append("</td>");
            double leaked = r.leakedThreads();
            b.append("<td").append(dv(leaked)).append(leaked > 0 ? " class=\"fail\">" : ">").append(num(leaked)).append("</td>");
            double cancel = orNaN(r.cancelMs());
            b.append("<td").append(dv(cancel)).append('>').append(num(cancel)).append("</td>");
            double l = orNaN(r.little(), PointResult.Little::l), lc = orNaN(r.little(), PointResult.Little::lComputed),
                rel = orNaN(r.little(), PointResult.Little::relError);
            b.append("<td").append(dv(l)).append('>').append(num(l)).append("</td><td").append(dv(lc)).append('>')
                .append(num(lc)).append("</td><td").append(dv(rel)).append(rel > 0.1 ? " class=\"fail\">" : ">")
                .append(pct(rel)).append("</td>");
            double unfinished = r.unfinished(), censored = orNaN(r.responseMs(), PointResult.Latency::censored),
                reorder = orNaN(r.reorderDepth(), PointResult.Reorder::max);
            b.append("<td").append(dv(unfinished)).append(unfinished > 0 ? " class=\"fail\">" : ">").append(num(unfinished)).append("</td><td")
                .append(dv(censored)).append('>').append(num(censored)).append("</td><td").append(dv(reorder)).append('>').append(num(reorder))
                .append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Conserved: offered = completed + failed + shed + timed out +")
            .append(" cancelled + dead-lettered. Little's law: L (time-average items in system) against \u03BB\u00B7W;")
            .append(" an error above 10% (marked) means the measurement window or the counters are suspect.")
            .append(" Unfinished: items still in flight when the point cancelled its design (or stuck); they count in the")
            .append(" error rate and, as censored values (at least window end \u2212 intended start), in the response percentiles.</p>\n");
        cancellation(b, run);
        workers(b, run);
        graph(b, run);
    }

    /**
     * The point's cancel: where it fell, what was in flight, what it cancelled, how long it took to quiesce; and,
     * when the run has a first or quorum join, its losers: cancelled, finished anyway, time from decision to end.
     */
    private static void cancellation(StringBuilder b, RunRecord run) {
        boolean any = false, losers = false;
        for (PointRecord p : run.points()) {
            any |= p.result().cancellation() != null;
            losers |= p.result().losers() != null;
        }
        if (!any) return;
        b.append("<h3 id=\"cancellation\">Cancellation</h3>\n<div class=\"tablewrap\"><table class=\"sortable\" id=\"cancellation-table\"><thead><tr>")
            .append("<th class=\"l\">point</th><th class=\"l\">at</th><th>t (s)</th><th>in flight</th><th>cancelled</th><th>finished anyway</th>")
            .append("<th>stuck</th><th>quiesce (ms)</th><th>threads alive</th>")
            .append(losers ? "<th>losers cancelled</th><th>losers finished anyway</th><th>loser end p50 (ms)</th><th>loser end p99 (ms)</th>" : "")
            .append("</tr></thead><tbody>\n");
        for (PointRecord p : run.points()) {
            PointResult.Cancellation c = p.result().cancellation();
            if (c == null) continue;
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l\">").append(esc(c.at() == null ? "?" : c.at())).append("</td>");
            double[] vs = {c.startS(), c.inFlight(), c.cancelled(), c.finishedAnyway(), c.stuck(), c.quiesceMs(), c.threadsAlive()};
            for (int i = 0; i < vs.length; i++) {
                double v = vs[i];
                boolean bad = (i == 4 || i == 6) && v > 0; // stuck, threads alive
                b.append("<td").append(dv(v)).append(bad ? " class=\"fail\">" : ">").append(num(v)).append("</td>");
            }
            if (losers) {
                PointResult.Losers l = p.result().losers();
                PointResult.Latency after = l == null ? null : l.afterDecisionMs();
                for (double v : l == null ? new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN}
                        : new double[] {l.cancelled(), l.finishedAnyway(), after == null ? Double.NaN : after.p50(), after == null ? Double.NaN : after.p99()})
                    b.append("<td").append(dv(v)).append(">").append(num(v)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Where the point cancelled its design (scenario ")
            .append("<code>phases.cancel</code>): <code>after_cooldown</code> cancels an idle design; <code>end_of_measure</code> or a time")
            .append(" cancels under load. Threads alive: started by the design and alive right after cancel returned.")
            .append(losers ? " Losers: items of a first or quorum join's request that ended after the request was decided; the harness"
                    + " cancels them at the decision (a design that cannot cancel one item lets them finish). Loser end: time from"
                    + " the decision to the loser's end." : "")
            .append("</p>\n");
    }

    /** Per-worker counters over the measured window and the hottest keys: where a hot key saturates one worker. */
    private static void workers(StringBuilder b, RunRecord run) {
        boolean any = false;
        for (PointRecord p : run.points()) any |= !each(p.result().workers()).isEmpty() || !each(p.result().topKeys()).isEmpty();
        if (!any) return;
        b.append("<h3 id=\"workers\">Workers and hot keys</h3>\n<div class=\"tablewrap\"><table class=\"sortable\" id=\"workers-table\"><thead><tr>")
            .append("<th class=\"l\">point</th><th class=\"l\">stage</th><th>hottest worker</th><th>its items</th><th>its busy</th>")
            .append("<th>mean busy</th><th>item skew</th><th class=\"l\">top keys (count)</th></tr></thead><tbody>\n");
        for (PointRecord p : run.points()) {
            StringBuilder keys = new StringBuilder();
            for (PointResult.KeyCount k : each(p.result().topKeys())) {
                if (keys.length() > 0) keys.append(", ");
                if (keys.length() > 60) { keys.append('\u2026'); break; }
                keys.append(k.key()).append(" (").append(k.count()).append(')');
            }
            List<PointResult.Workers> ws = each(p.result().workers());
            if (ws.isEmpty()) {
                b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l na\">\u2014</td><td></td><td></td><td></td><td></td><td></td><td class=\"l\">")
                    .append(esc(keys.toString())).append("</td></tr>\n");
                continue;
            }
            for (PointResult.Workers w : ws) {
                int hot = w.hottest();
                List<Long> its = each(w.items());
                List<Double> bs = each(w.busyShare());
                double items = hot >= 0 && hot < its.size() ? its.get(hot) : 0, busy = hot >= 0 && hot < bs.size() ? bs.get(hot) : 0;
                double mean = bs.isEmpty() ? Double.NaN : bs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                double skew = w.itemSkew();
                b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l\">").append(esc(w.stage()))
                    .append("</td><td>#").append(hot).append("</td><td").append(dv(items)).append('>').append(num(items)).append("</td><td")
                    .append(dv(busy)).append(busy > 0.9 ? " class=\"fail\">" : ">").append(pct(busy)).append("</td><td").append(dv(mean)).append('>')
                    .append(pct(mean)).append("</td><td").append(dv(skew)).append('>').append(num(skew)).append("\u00D7</td><td class=\"l\">")
                    .append(esc(keys.toString())).append("</td></tr>\n");
            }
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Over the measured window. Busy: the worker's time not spent waiting")
            .append(" for items, as a share of the window (marked above 90%: saturated). Item skew: the busiest worker's items over the")
            .append(" mean. Top keys: offered keys by count (Space-Saving sketch; counts are upper bounds within the stated error).</p>\n");
    }

    /**
     * Routes and loops of the pipeline: how items left each (point.json {@code graph}). Rows show the measured
     * window's items ({@code window_exits}, {@code window_passes}) like every other figure of the report, and the
     * whole point's item count beside them; a record written before the window's figures shows the whole point's,
     * and its "counted over" cell says so.
     */
    private static void graph(StringBuilder b, RunRecord run) {
        boolean any = false;
        for (PointRecord p : run.points()) any |= !PointRecord.each(p.result().graph()).isEmpty();
        if (!any) return;
        b.append("<h3 id=\"graph\">Routes and loops</h3>\n<div class=\"tablewrap\"><table class=\"sortable\" id=\"graph-table\"><thead><tr>")
            .append("<th class=\"l\">point</th><th class=\"l\">node</th><th class=\"l\">kind</th><th class=\"l\">counted over</th>")
            .append("<th class=\"l\">exits (share)</th><th>items</th><th>passes per item</th><th>items, whole point</th></tr></thead><tbody>\n");
        boolean older = false;
        for (PointRecord p : run.points()) {
            for (PointResult.GraphNode g : PointRecord.each(p.result().graph())) {
                boolean window = g.windowExits() != null;
                older |= !window;
                java.util.Map<String, Long> shown = window ? g.windowExits() : g.exits();
                long passes = window ? (g.windowPasses() == null ? 0 : g.windowPasses()) : g.passes();
                long total = 0, whole = 0;
                for (long e : shown.values()) total += e;
                for (long e : g.exits().values()) whole += e;
                StringBuilder exits = new StringBuilder();
                for (java.util.Map.Entry<String, Long> e : shown.entrySet()) {
                    if (exits.length() > 0) exits.append(", ");
                    exits.append(e.getKey()).append(' ').append(e.getValue());
                    if (total > 0) exits.append(" (").append(pct(e.getValue() / (double) total)).append(')');
                }
                boolean loop = "loop".equals(g.kind());
                double perItem = loop && total > 0 ? passes / (double) total : Double.NaN;
                b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l\">").append(esc(g.node()))
                    .append("</td><td class=\"l\">").append(esc(g.kind())).append("</td><td class=\"l\">")
                    .append(window ? "measured window" : "whole point").append("</td><td class=\"l\">").append(esc(exits.toString()))
                    .append("</td><td>").append(total).append("</td><td").append(dv(perItem)).append('>').append(loop ? num(perItem) : "")
                    .append("</td><td>").append(whole).append("</td></tr>\n");
            }
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Exits, items and passes per item count the items intended in the")
            .append(" measured window (the population of the response-time figures), wherever their decision fell; \"items, whole point\"")
            .append(" counts every item that left the node, warmup and cooldown included.")
            .append(older ? " Rows counted over the whole point come from records written before the window's figures existed." : "")
            .append(" A route's exits are its paths a and b; a loop's are done (the draw said stop) and bound (the item used every allowed round).")
            .append(" Stages on every path have their own rows in the stage table.</p>\n");
    }

    private static void footer(StringBuilder b, RunRecord run) {
        RunEnvironment env = run.environment();
        RunEnvironment.Jdk jdk = env.jdk() == null ? new RunEnvironment.Jdk(null, null, null, null) : env.jdk();
        b.append("<footer><h2 id=\"environment\">Environment and reproduction</h2>\n<div class=\"meta\">");
        meta(b, "fanlab", orQ(env.fanlabVersion()));
        meta(b, "JDK", orQ(jdk.version()) + " (" + orQ(jdk.vendor()) + ")");
        meta(b, "cores", env.cores() == null ? "?" : env.cores().toString());
        meta(b, "OS", orQ(env.os()));
        meta(b, "host", orQ(env.hostname()));
        meta(b, "git", orQ(env.gitRevision()));
        List<String> flags = env.jvmFlags();
        meta(b, "JVM flags", flags.isEmpty() ? "(none)" : String.join(" ", flags));
        b.append("</div>\n<p>Reproduce:</p><pre id=\"command\">").append(esc(env.command() == null ? "(command not recorded)" : env.command()))
            .append("</pre>\n<h3>What these numbers do not say</h3><ul>")
            .append("<li>They describe this machine, this JDK and this synthetic work; another host, core count, JIT or GC")
            .append(" moves every figure. Re-run the command above before quoting a number elsewhere.</li>")
            .append("<li>A recommended width is a property of the measured sweep: widths not measured were not tested, and the")
            .append(" USL curve between and beyond them is a model, not a measurement.</li>")
            .append("<li>Percentiles from a few seconds of measurement carry wide error bars; p99.9 over fewer than ~10\u202F000")
            .append(" samples is an anecdote. Compare repeats before trusting a difference.</li>")
            .append("<li>Points flagged invalid (generator fell behind, window not in steady state, self-test failed) do not")
            .append(" describe the design under the intended load; they are excluded from the recommendation. Saturated points")
            .append(" measure the design at its capacity: their latency covers only the arrivals that started, and those not")
            .append(" started by the window's end (counted in validity.not_started) would have been the slowest.</li>")
            .append("<li>Do not assume the numbers are good because the report looks tidy: review the warnings at the top,")
            .append(" read the time series for drift, and ask a colleague to look at the design under test.</li></ul>\n")
            .append("<p class=\"na\">Generated by fanlab reports from the run directory alone; open offline.</p></footer>\n");
    }

    /** {@code s}, or {@code ?} when the run directory does not say. */
    private static String orQ(String s) {
        return s == null ? "?" : s;
    }

    private static void meta(StringBuilder b, String k, String v) {
        b.append("<span>").append(esc(k)).append(" <b>").append(esc(v)).append("</b></span>");
    }

    static String resource(String path) {
        try (InputStream in = HtmlReportWriter.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new UncheckedIOException(new IOException("classpath resource missing: " + path));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
