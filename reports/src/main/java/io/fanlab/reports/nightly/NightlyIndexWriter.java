package io.fanlab.reports.nightly;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.compare.Comparison;

/**
 * Renders a nightly's {@code index.html}: one row per scenario with its verdict, its comparison with the baseline,
 * links to its report.html and compare.html, and its trend over the history (peak throughput and the p99 at that
 * point, as inline SVG sparklines) with a flagged {@link ChangePoint}. Self-contained. Pure function; thread-safe.
 */
public final class NightlyIndexWriter {

    private NightlyIndexWriter() {
    }

    /**
     * One scenario of the nightly.
     *
     * @param scenario            scenario name
     * @param runDir              its run directory
     * @param exitCode            the exit code of its run (0, 1, 3)
     * @param verdict             its verdict, or null when the run left nothing readable
     * @param comparison          its comparison with the baseline, or null
     * @param compareNote         why there is no comparison (no baseline), or null
     * @param throughputTolerance the scenario's throughput tolerance (change-point threshold)
     * @param p99Tolerance        the scenario's p99 tolerance
     */
    public record Entry(String scenario, Path runDir, int exitCode, Verdict verdict, Comparison comparison, String compareNote,
                        double throughputTolerance, double p99Tolerance) {
    }

    /** A flagged change point of one scenario's trend, for the console and nightly.json. */
    public record Flag(String scenario, String metric, String atNightly, ChangePoint.Result result) {
        public String describe() {
            return String.format(Locale.ROOT, "%s: %s changed at %s: %.4g -> %.4g (%+.1f%%, t %.1f)", scenario, metric, atNightly,
                result.before(), result.after(), result.shift() * 100, result.t());
        }
    }

    /** The change points flagged in {@code history} for {@code e}'s scenario. */
    public static List<Flag> flags(Entry e, List<JsonNode> history) {
        List<JsonNode> mine = history.stream().filter(h -> e.scenario().equals(h.path("scenario").asText())).toList();
        List<Flag> out = new ArrayList<>();
        flag(out, e.scenario(), "peak throughput", mine, History::peakThroughput, e.throughputTolerance());
        flag(out, e.scenario(), "p99 at peak", mine, History::p99AtPeak, e.p99Tolerance());
        return out;
    }

    private static void flag(List<Flag> out, String scenario, String metric, List<JsonNode> mine, ToDoubleFunction<JsonNode> f, double tol) {
        List<JsonNode> usable = mine.stream().filter(h -> Double.isFinite(f.applyAsDouble(h))).toList();
        ChangePoint.Result r = ChangePoint.find(usable.stream().map(f::applyAsDouble).toList(), tol);
        if (r != null && r.flagged()) out.add(new Flag(scenario, metric, usable.get(r.index()).path("nightly").asText("?"), r));
    }

    public static String render(String suite, String nightlyId, List<Entry> entries, List<JsonNode> history, Path indexDir, String historyFile) {
        StringBuilder b = new StringBuilder(32 * 1024);
        boolean runFailed = entries.stream().anyMatch(e -> e.exitCode() == 3);
        boolean failed = entries.stream().anyMatch(e -> e.exitCode() != 0 || (e.comparison() != null && e.comparison().regressed()));
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fanlab nightly \u2014 ").append(esc(nightlyId))
            .append("</title>\n<style>\nbody{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}")
            .append("td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}.pass{color:#1a7f37;font-weight:600}")
            .append(".fail{color:#c0392b;font-weight:700}.na{color:#888}svg{vertical-align:middle}small{color:#666}\n</style></head>\n<body>\n");
        b.append("<h1>Nightly: ").append(esc(suite)).append("</h1>\n<p>").append(esc(nightlyId)).append(" \u2014 ")
            .append(entries.size()).append(" scenario(s); history: ").append(esc(historyFile)).append("</p>\n");
        b.append("<h2 id=\"verdict\" data-exit=\"").append(runFailed ? 3 : failed ? 1 : 0).append("\">")
            .append(runFailed ? "<span class=\"fail\">RUN FAILED</span>" : failed ? "<span class=\"fail\">FAIL</span>" : "<span class=\"pass\">PASS</span>")
            .append("</h2>\n<table id=\"scenarios\"><thead><tr><th>scenario</th><th>verdict</th><th>vs baseline</th>")
            .append("<th>peak throughput (trend)</th><th>p99 at peak, ms (trend)</th><th>change point</th></tr></thead><tbody>\n");
        for (Entry e : entries) {
            List<JsonNode> mine = history.stream().filter(h -> e.scenario().equals(h.path("scenario").asText())).toList();
            String rel = rel(indexDir, e.runDir());
            b.append("<tr><td><a href=\"").append(esc(rel + "/report.html")).append("\">").append(esc(e.scenario())).append("</a></td><td>");
            if (e.verdict() == null) b.append("<span class=\"fail\">exit ").append(e.exitCode()).append("</span>");
            else b.append("<span class=\"").append(e.verdict().outcome() == Verdict.Outcome.PASS ? "pass" : "fail").append("\">")
                .append(esc(e.verdict().headline())).append("</span>");
            b.append("</td><td>");
            if (e.comparison() != null) {
                b.append("<a href=\"").append(esc(rel + "/compare.html")).append("\" class=\"").append(e.comparison().regressed() ? "fail" : "pass")
                    .append("\">").append(e.comparison().regressed() ? "REGRESSED" : "no regression").append("</a><br><small>")
                    .append(esc(e.comparison().summary())).append("</small>");
            } else {
                b.append("<span class=\"na\">").append(esc(e.compareNote() == null ? "no baseline" : e.compareNote())).append("</span>");
            }
            b.append("</td><td>").append(spark(mine, History::peakThroughput, "/s")).append("</td><td>")
                .append(spark(mine, History::p99AtPeak, " ms")).append("</td><td>");
            List<Flag> fl = flags(e, history);
            if (fl.isEmpty()) b.append("<span class=\"na\">").append(mine.size() < 2 * ChangePoint.MIN_SEGMENT ? "too few nightlies" : "none").append("</span>");
            for (Flag f : fl) b.append("<span class=\"fail\">").append(esc(f.describe())).append("</span><br>");
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table>\n<p><small>Trend: one value per nightly from the history file, oldest left; the last dot is this nightly. ")
            .append("Change point: the split of the series with the largest mean shift (t \u2265 ").append(ChangePoint.MIN_T)
            .append(", at least ").append(ChangePoint.MIN_SEGMENT).append(" nightlies on each side) whose shift exceeds the scenario's compare tolerance.</small></p>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    /** An inline SVG sparkline of the history's values (last value labelled). */
    static String spark(List<JsonNode> entries, ToDoubleFunction<JsonNode> f, String unit) {
        List<Double> xs = entries.stream().map(f::applyAsDouble).filter(Double::isFinite).toList();
        if (xs.isEmpty()) return "<span class=\"na\">\u2014</span>";
        double lo = xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = xs.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        int w = 160, h = 32;
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.size(); i++) {
            double x = xs.size() == 1 ? w / 2.0 : 4 + i * (w - 8.0) / (xs.size() - 1);
            double y = hi == lo ? h / 2.0 : h - 4 - (xs.get(i) - lo) / (hi - lo) * (h - 8);
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        String[] last = pts.toString().trim().split(" ");
        String[] xy = last[last.length - 1].split(",");
        return "<svg width=\"" + w + "\" height=\"" + h + "\" role=\"img\"><polyline fill=\"none\" stroke=\"#4169e1\" stroke-width=\"1.5\" points=\""
            + pts.toString().trim() + "\"/><circle cx=\"" + xy[0] + "\" cy=\"" + xy[1] + "\" r=\"2.5\" fill=\"#c0392b\"/></svg> "
            + String.format(Locale.ROOT, "%.4g", xs.get(xs.size() - 1)) + unit + " <small>(" + xs.size() + ")</small>";
    }

    private static String rel(Path from, Path to) {
        try {
            return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return to.toAbsolutePath().toString();
        }
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
