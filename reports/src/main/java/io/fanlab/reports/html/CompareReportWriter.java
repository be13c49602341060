package io.fanlab.reports.html;

import static io.fanlab.reports.html.Html.esc;
import static io.fanlab.reports.html.Html.num;

import java.util.Locale;

import io.fanlab.reports.compare.Comparison;
import io.fanlab.reports.compare.Metric;

/**
 * Renders {@code compare.html}: baseline and candidate side by side per design, width and metric, each row marked
 * regressed (red), improved (green) or within noise, with the change, its bootstrap interval when both runs have
 * repeats, and the tolerance. Self-contained (CSS inlined, no script needed). Pure function; thread-safe.
 */
public final class CompareReportWriter {

    private CompareReportWriter() {
    }

    /**
     * The page. {@code baselineLink} and {@code candidateLink} are relative links to the runs' report.html, or null.
     */
    public static String render(Comparison c, String baselineLink, String candidateLink) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fanlab compare \u2014 ")
            .append(esc(c.candidateId())).append(" vs ").append(esc(c.baselineId())).append("</title>\n<style>\n")
            .append(HtmlReportWriter.resource("io/fanlab/reports/html/report.css"))
            .append("\ntr.regressed td { background: #fdecea; } tr.improved td { background: #eaf7ee; }\n</style>\n</head>\n<body>\n");
        b.append("<h1>Compare: candidate vs baseline</h1>\n<div class=\"meta\"><span>baseline <b>").append(link(c.baselineId(), baselineLink))
            .append("</b> (").append(esc(c.baselineRevision())).append(")</span><span>candidate <b>").append(link(c.candidateId(), candidateLink))
            .append("</b> (").append(esc(c.candidateRevision())).append(")</span></div>\n");
        b.append("<h2 id=\"verdict\" data-regressed=\"").append(c.regressed()).append("\">")
            .append(c.regressed() ? "<span class=\"fail\">REGRESSED</span>" : "<span class=\"pass\">no regression</span>")
            .append(" <small>").append(esc(c.summary())).append("</small></h2>\n");
        b.append("<p class=\"rule\"><b>Rule.</b> Direction-aware: throughput up is better; latency and error rate up are worse. ")
            .append("With repeats on both sides, a change is marked when its 95% bootstrap interval excludes zero and its estimate exceeds ")
            .append("the tolerance; with one repeat, when it exceeds the tolerance. Tolerances: ");
        StringBuilder t = new StringBuilder();
        c.tolerances().byMetric().forEach((m, v) -> t.append(t.isEmpty() ? "" : ", ").append(m.key()).append(' ').append(tol(m, v)));
        b.append(esc(t.toString())).append(".</p>\n");
        if (!c.notes().isEmpty()) {
            b.append("<div class=\"warnings\"><b>Notes</b><ul>");
            c.notes().forEach(n -> b.append("<li>").append(esc(n)).append("</li>"));
            b.append("</ul></div>\n");
        }
        b.append("<div class=\"tablewrap\"><table id=\"compare-table\"><thead><tr><th class=\"l\">design</th><th>width</th>")
            .append("<th class=\"l\">metric</th><th>baseline</th><th>candidate</th><th>change</th><th>95% interval</th>")
            .append("<th>tolerance</th><th class=\"l\">mark</th></tr></thead><tbody>\n");
        for (Comparison.Row r : c.rows()) {
            b.append("<tr class=\"").append(r.mark().key().replace('_', '-')).append("\"><td class=\"l\">").append(esc(r.design()))
                .append("</td><td>").append(r.width()).append("</td><td class=\"l\">").append(esc(r.metric().key()))
                .append(r.metric().higherIsBetter() ? " \u2191" : " \u2193").append("</td><td title=\"")
                .append(esc(r.baseline().toString())).append("\">").append(value(r.metric(), r.baselineMean())).append(n(r.baseline().size()))
                .append("</td><td title=\"").append(esc(r.candidate().toString())).append("\">").append(value(r.metric(), r.candidateMean()))
                .append(n(r.candidate().size())).append("</td><td>").append(change(r.metric(), r.change())).append("</td><td>")
                .append(Double.isNaN(r.lo()) ? "\u2014" : change(r.metric(), r.lo()) + " .. " + change(r.metric(), r.hi()))
                .append("</td><td>").append(tol(r.metric(), r.tolerance())).append("</td><td class=\"l ")
                .append(switch (r.mark()) { case REGRESSED -> "fail"; case IMPROVED -> "pass"; default -> "na"; }).append("\">")
                .append(r.mark().key().replace('_', ' ')).append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">\u2191 higher is better, \u2193 lower is better. Values: mean over ")
            .append("completed, valid repeats (hover for each repeat; \u00D7n = repeats). Latency: response time (end \u2212 intended start), ms.</p>\n");
        b.append("<footer><p class=\"na\">What this does not say: a within-noise mark is not proof of no change (a small shift below the ")
            .append("tolerance passes); with one repeat per side there is no interval, only the tolerance; many rows are compared at once, ")
            .append("so an occasional false alarm is expected at tight tolerances.</p></footer>\n</body></html>\n");
        return b.toString();
    }

    private static String link(String id, String href) {
        return href == null ? esc(id) : "<a href=\"" + esc(href) + "\">" + esc(id) + "</a>";
    }

    private static String n(int repeats) {
        return repeats > 1 ? " <small>\u00D7" + repeats + "</small>" : "";
    }

    private static String value(Metric m, double v) {
        return m == Metric.ERROR_RATE ? Html.pct(v) : num(v) + (m == Metric.THROUGHPUT ? "/s" : "");
    }

    private static String change(Metric m, double v) {
        if (Double.isNaN(v)) return "\u2014";
        return m.absolute() ? String.format(Locale.ROOT, "%+.2f pt", v * 100) : String.format(Locale.ROOT, "%+.1f%%", v * 100);
    }

    private static String tol(Metric m, double v) {
        if (Double.isInfinite(v)) return "off";
        return m.absolute() ? String.format(Locale.ROOT, "\u00B1%.2f pt", v * 100) : String.format(Locale.ROOT, "\u00B1%.0f%%", v * 100);
    }
}
