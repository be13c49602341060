package io.fanlab.reports.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The differential view of two profiles (say width 4 and width 64 of one sweep): per frame, its share of each
 * profile's samples, self and total, and the change. Shares, not counts, because two points sample for different
 * amounts of CPU; the frames whose share moved most say where the extra (or missing) time went. Immutable.
 */
public final class ProfileDiff {
    /** One frame: shares in [0, 1] of profile A and B, self (leaf) and total (on the stack). */
    public record Row(String frame, double selfA, double selfB, double totalA, double totalB) {
        public double selfDelta() { return selfB - selfA; }
        public double totalDelta() { return totalB - totalA; }
    }

    private final String labelA, labelB;
    private final long samplesA, samplesB;
    private final List<Row> rows;

    private ProfileDiff(String labelA, String labelB, long samplesA, long samplesB, List<Row> rows) {
        this.labelA = labelA;
        this.labelB = labelB;
        this.samplesA = samplesA;
        this.samplesB = samplesB;
        this.rows = List.copyOf(rows);
    }

    /** Rows for every frame of either profile, largest absolute self-share change first (then total change). */
    public static ProfileDiff of(String labelA, CollapsedStacks a, String labelB, CollapsedStacks b) {
        Set<String> frames = new HashSet<>(a.frames());
        frames.addAll(b.frames());
        List<Row> rows = new ArrayList<>();
        for (String f : frames) rows.add(new Row(f, a.selfShare(f), b.selfShare(f), a.totalShare(f), b.totalShare(f)));
        rows.sort(Comparator.comparingDouble((Row r) -> -Math.abs(r.selfDelta()))
                .thenComparingDouble(r -> -Math.abs(r.totalDelta())).thenComparing(Row::frame));
        return new ProfileDiff(labelA, labelB, a.samples(), b.samples(), rows);
    }

    public List<Row> rows() { return rows; }

    /** A plain-text table of the {@code n} rows that changed most. */
    public String table(int n) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d samples, %s: %d samples; shares of each profile's samples, by largest self change%n",
                labelA, samplesA, labelB, samplesB));
        sb.append(String.format(Locale.ROOT, "%8s %8s %8s   %8s %8s %8s  %s%n", "self A", "self B", "change", "total A", "total B", "change", "frame"));
        for (Row r : rows.subList(0, Math.min(n, rows.size()))) {
            sb.append(String.format(Locale.ROOT, "%7.1f%% %7.1f%% %+7.1f%%   %7.1f%% %7.1f%% %+7.1f%%  %s%n",
                    r.selfA() * 100, r.selfB() * 100, r.selfDelta() * 100, r.totalA() * 100, r.totalB() * 100, r.totalDelta() * 100, r.frame()));
        }
        return sb.toString();
    }

    /** A self-contained HTML page: the same table, with bars showing each frame's self share in A and B. */
    public String html(String title, int n) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}")
                .append("td.f{text-align:left;font-family:monospace}.bar{display:inline-block;height:10px}.a{background:#4c78a8}.b{background:#f58518}")
                .append(".up{color:#b00}.down{color:#070}</style></head><body><h1>").append(esc(title)).append("</h1><p>")
                .append(esc(labelA)).append(": ").append(samplesA).append(" samples (blue); ").append(esc(labelB)).append(": ")
                .append(samplesB).append(" samples (orange). Shares of each profile's own samples; rows by the largest change of self share."
                        + " Self: the frame is where the sample landed; total: the frame is on the stack.</p><table><tr><th>self A</th><th>self B</th>"
                        + "<th>change</th><th>total A</th><th>total B</th><th>change</th><th></th><th style=\"text-align:left\">frame</th></tr>");
        for (Row r : rows.subList(0, Math.min(n, rows.size()))) {
            sb.append("<tr><td>").append(pct(r.selfA())).append("</td><td>").append(pct(r.selfB())).append("</td><td class=\"")
                    .append(r.selfDelta() > 0 ? "up" : "down").append("\">").append(signed(r.selfDelta())).append("</td><td>")
                    .append(pct(r.totalA())).append("</td><td>").append(pct(r.totalB())).append("</td><td>").append(signed(r.totalDelta()))
                    .append("</td><td><span class=\"bar a\" style=\"width:").append(Math.round(r.selfA() * 200)).append("px\"></span><br>")
                    .append("<span class=\"bar b\" style=\"width:").append(Math.round(r.selfB() * 200)).append("px\"></span></td><td class=\"f\">")
                    .append(esc(r.frame())).append("</td></tr>");
        }
        return sb.append("</table></body></html>\n").toString();
    }

    private static String pct(double v) { return String.format(Locale.ROOT, "%.1f%%", v * 100); }

    private static String signed(double v) { return String.format(Locale.ROOT, "%+.1f%%", v * 100); }

    private static String esc(String s) { return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;"); }
}
