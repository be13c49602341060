package io.fanlab.reports.html;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

import static io.fanlab.reports.run.PointRecord.orNaN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.Bootstrap;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.PointResult.Latency;
import io.fanlab.reports.run.RunEvent;
import io.fanlab.reports.run.RunRecord;
import io.fanlab.reports.usl.UslResult;

/**
 * Builds the chart specifications (JSON) that {@code report.js} draws with uPlot: one object per chart with
 * {@code id, title, xLabel, yLabel, x[], series[{label, values[], color, dash, points, noLine, scale, unit}], log,
 * xLog, yRange, y2Label, bands[[x0, x1]]}. Every series is aligned on the chart's {@code x} array (null = no value).
 * Single-threaded use per instance.
 */
final class ChartSpecs {

    /** Okabe-Ito, colour-blind safe; order used for designs. */
    static final String[] DESIGN_COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
    static final String BLUE = "#0072B2", VERMILLION = "#D55E00", GREEN = "#009E73", PURPLE = "#CC79A7",
        ORANGE = "#E69F00", SKY = "#56B4E9", BLACK = "#000000", YELLOW = "#F0E442";
    /** SLO limit lines: dark red, outside the design palette. */
    static final String SLO_COLOUR = "#A50026";

    private static final java.util.Map<String, ToDoubleFunction<Latency>> LATENCY = java.util.Map.of(
        "p50", Latency::p50, "p90", Latency::p90, "p99", Latency::p99, "p999", Latency::p999, "max", Latency::max);

    private final ObjectMapper json;
    private final RunRecord run;
    private final Analysis analysis;
    private final ArrayNode charts;
    /** The latency charts' shared log y range (set by {@link #latencySweeps()}), or null. */
    private double[] latencyRange;

    ChartSpecs(ObjectMapper json, RunRecord run, Analysis analysis) {
        this.json = json;
        this.run = run;
        this.analysis = analysis;
        this.charts = json.createArrayNode();
    }

    ArrayNode charts() {
        return charts;
    }

    static String colour(int designIndex) {
        return DESIGN_COLOURS[designIndex % DESIGN_COLOURS.length];
    }

    /** Mean of {@code f} per width over completed points of the design (NaN-valued points ignored). */
    TreeMap<Integer, Double> perWidth(String design, ToDoubleFunction<PointRecord> f) {
        return perWidth(design, f, true);
    }

    /** As {@link #perWidth(String, ToDoubleFunction)}; {@code validOnly} drops points the harness marked invalid. */
    TreeMap<Integer, Double> perWidth(String design, ToDoubleFunction<PointRecord> f, boolean validOnly) {
        Map<Integer, double[]> acc = new TreeMap<>();
        for (PointRecord p : run.points()) {
            if (!p.design().equals(design) || !p.ok() || (validOnly && !p.valid())) continue;
            double v = f.applyAsDouble(p);
            if (!Double.isFinite(v)) continue;
            double[] a = acc.computeIfAbsent(p.width(), k -> new double[2]);
            a[0] += v;
            a[1]++;
        }
        TreeMap<Integer, Double> out = new TreeMap<>();
        acc.forEach((w, a) -> out.put(w, a[0] / a[1]));
        return out;
    }

    /** Values of {@code f} per width over completed, valid points of the design, repeats kept apart. */
    TreeMap<Integer, List<Double>> repeats(String design, ToDoubleFunction<PointRecord> f) {
        TreeMap<Integer, List<Double>> out = new TreeMap<>();
        for (PointRecord p : run.points()) {
            if (!p.design().equals(design) || !p.ok() || !p.valid()) continue;
            double v = f.applyAsDouble(p);
            if (Double.isFinite(v)) out.computeIfAbsent(p.width(), k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /**
     * Attaches {@code lo} and {@code hi} arrays (aligned on {@code x}) to {@code s}: the {@link Bootstrap} interval of
     * the mean of {@code f} at each width that ran at least twice; null elsewhere. Nothing when no width repeated.
     */
    private void intervals(ObjectNode s, List<Double> x, String design, ToDoubleFunction<PointRecord> f) {
        TreeMap<Integer, Bootstrap.Interval> iv = new TreeMap<>();
        repeats(design, f).forEach((w, xs) -> {
            Bootstrap.Interval i = Bootstrap.ofMean(xs.stream().mapToDouble(Double::doubleValue).toArray());
            if (i != null) iv.put(w, i);
        });
        if (iv.isEmpty()) return;
        ArrayNode lo = s.putArray("lo"), hi = s.putArray("hi");
        for (double xv : x) {
            Bootstrap.Interval i = xv == Math.rint(xv) ? iv.get((int) xv) : null;
            if (i == null) {
                lo.addNull();
                hi.addNull();
            } else {
                lo.add(i.lo());
                hi.add(i.hi());
            }
        }
    }

    /** The run's SLO limits of {@code kind} by SLO name (distinct name and limit), in first-seen order. */
    LinkedHashMap<String, Double> sloLimits(String kind) {
        LinkedHashMap<String, Double> out = new LinkedHashMap<>();
        for (PointRecord p : run.points()) {
            for (PointResult.SloVerdict v : PointRecord.each(p.result().slos())) {
                if (kind.equals(v.kind()) && v.limit() != null && Double.isFinite(v.limit())) {
                    String name = v.name() == null ? kind : v.name().replace(" (no data)", "");
                    out.putIfAbsent(name, v.limit());
                }
            }
        }
        return out;
    }

    /** One flat line per SLO limit of {@code kind} (times {@code factor}: 100 for ratios drawn as %); returns the highest. */
    private double sloLines(ObjectNode c, List<Double> x, String kind, double factor, String unit) {
        double top = Double.NaN;
        for (Map.Entry<String, Double> e : sloLimits(kind).entrySet()) {
            double v = e.getValue() * factor;
            ObjectNode s = series(c, "SLO: " + e.getKey(), SLO_COLOUR, x.stream().map(xv -> v).toList());
            dash(s, 10, 4);
            s.put("width", 2);
            s.put("unit", unit);
            s.put("role", "slo");
            s.put("limit", v);
            top = Double.isNaN(top) ? v : Math.max(top, v);
        }
        return top;
    }

    /** The analysis's recommendation for {@code design}, or null. */
    private Analysis.Recommendation recommendation(String design) {
        return analysis.recommendations().stream().filter(r -> r.design().equals(design)).findFirst().orElse(null);
    }

    /** A vertical mark at {@code x} ({@code spec.marks}, drawn by report.js). */
    private static void mark(ObjectNode chart, double x, String label, String colour, String role) {
        ArrayNode marks = chart.has("marks") ? (ArrayNode) chart.get("marks") : chart.putArray("marks");
        marks.addObject().put("x", x).put("label", label).put("color", colour).put("role", role);
    }

    private ObjectNode chart(String id, String title, String xLabel, String yLabel, List<Double> x) {
        ObjectNode c = charts.addObject();
        c.put("id", id);
        c.put("title", title);
        c.put("xLabel", xLabel);
        c.put("yLabel", yLabel);
        ArrayNode xs = c.putArray("x");
        x.forEach(xs::add);
        c.putArray("series");
        return c;
    }

    private static ObjectNode series(ObjectNode chart, String label, String colour, List<Double> values) {
        ObjectNode s = ((ArrayNode) chart.get("series")).addObject();
        s.put("label", label);
        s.put("color", colour);
        ArrayNode v = s.putArray("values");
        for (Double d : values) {
            if (d == null || !Double.isFinite(d)) v.addNull(); else v.add(d);
        }
        return s;
    }

    private static void dash(ObjectNode s, int... pattern) {
        ArrayNode d = s.putArray("dash");
        for (int p : pattern) d.add(p);
    }

    private static List<Double> align(List<Double> x, Map<Integer, Double> byWidth) {
        List<Double> out = new ArrayList<>(x.size());
        for (double xv : x) {
            Double v = xv == Math.rint(xv) ? byWidth.get((int) xv) : null;
            out.add(v);
        }
        return out;
    }

    /** Throughput vs width: measured means, USL fits, linear bounds, offered rate. Returns the chart id. */
    String throughputSweep() {
        List<String> designs = run.designs();
        TreeSet<Double> xs = new TreeSet<>();
        run.points().forEach(p -> xs.add((double) p.width()));
        if (xs.isEmpty()) return null;
        double lo = xs.first(), hi = xs.last();
        for (int i = 0; i <= 48; i++) xs.add(lo * Math.pow(hi / lo, i / 48.0));
        List<Double> x = new ArrayList<>(xs);
        ObjectNode c = chart("sweep-throughput", "Throughput vs width (all designs)", "width (concurrency, log2)",
            "throughput (per s)", x);
        c.put("xLog", true);
        c.put("height", 340);
        for (int d = 0; d < designs.size(); d++) {
            String design = designs.get(d);
            TreeMap<Integer, Double> m = perWidth(design, p -> SweepAnalysis.throughput(p));
            ObjectNode s = series(c, design + " measured", colour(d), align(x, m));
            s.put("points", true);
            s.put("unit", "/s");
            intervals(s, x, design, SweepAnalysis::throughput);
            Analysis.Recommendation r = recommendation(design);
            if (r != null && Double.isFinite(r.plateau())) {
                double threshold = (1 - analysis.plateauShare()) * r.plateau();
                ObjectNode ts = series(c, String.format(Locale.ROOT, "%s plateau threshold (%.0f%% of the plateau)", design,
                    (1 - analysis.plateauShare()) * 100), colour(d), x.stream().map(v -> threshold).toList());
                dash(ts, 3, 3);
                ts.put("width", 1);
                ts.put("unit", "/s");
                ts.put("role", "plateau-threshold");
                ts.put("value", threshold);
            }
            if (r != null && r.width() != null) mark(c, r.width(), design + ": recommended w=" + r.width(), colour(d), "recommended");
            TreeMap<Integer, Double> invalid = new TreeMap<>();
            for (PointRecord p : run.points()) {
                if (p.design().equals(design) && p.ok() && !p.valid() && Double.isFinite(SweepAnalysis.throughput(p))) {
                    invalid.merge(p.width(), SweepAnalysis.throughput(p), Math::max);
                }
            }
            if (!invalid.isEmpty()) {
                ObjectNode is = series(c, design + " invalid (excluded)", "#999999", align(x, invalid));
                is.put("points", true);
                is.put("noLine", true);
                is.put("unit", "/s");
            }
            UslResult u = analysis.usl().stream().filter(f -> f.design().equals(design) && f.result() != null)
                .map(Analysis.UslFitSummary::result).findFirst().orElse(null);
            if (u != null) {
                List<Double> fit = x.stream().map(u::throughputAt).toList();
                ObjectNode fs = series(c, design + " USL fit", colour(d), fit);
                dash(fs, 8, 5);
                fs.put("width", 1.5);
                fs.put("unit", "/s");
            }
            if (!m.isEmpty()) {
                int w1 = m.firstKey();
                double perUnit = m.get(w1) / w1;
                List<Double> lin = x.stream().map(v -> v * perUnit).toList();
                ObjectNode ls = series(c, design + " linear X(" + w1 + ")\u00B7N/" + w1, colour(d), lin);
                dash(ls, 2, 4);
                ls.put("width", 1);
                ls.put("unit", "/s");
            }
        }
        double offered = run.header().load() == null || run.header().load().offeredRate() == null ? Double.NaN
            : run.header().load().offeredRate();
        if ("open".equals(run.loadModel()) && Double.isFinite(offered)) {
            ObjectNode os = series(c, "offered rate", BLACK, x.stream().map(v -> offered).toList());
            dash(os, 1, 3);
            os.put("width", 1.5);
            os.put("unit", "/s");
        }
        double slo = sloLines(c, x, "throughput", 1, "/s");
        // keep linear bounds from flattening the chart: cap y at 1.25 x the highest measured or fitted peak
        double top = Double.isFinite(slo) ? slo : 0;
        for (PointRecord p : run.points()) if (p.ok() && Double.isFinite(SweepAnalysis.throughput(p))) top = Math.max(top, SweepAnalysis.throughput(p));
        if (Double.isFinite(offered)) top = Math.max(top, offered);
        if (top > 0) {
            c.putArray("yRange").add(0).add(top * 1.25);
        }
        return "sweep-throughput";
    }

    /** Latency percentiles vs width, one chart per design, same log y range. Returns chart ids. */
    List<String> latencySweeps() {
        List<String> ids = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (PointRecord p : run.points()) {
            if (!p.ok()) continue;
            for (ToDoubleFunction<Latency> f : List.<ToDoubleFunction<Latency>>of(Latency::p50, Latency::p999, Latency::max)) {
                double v = orNaN(p.result().responseMs(), f);
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            double ec = orNaN(p.result().erlangC(), PointResult.ErlangC::p99Ms);
            if (ec > 0) {
                min = Math.min(min, ec);
                max = Math.max(max, ec);
            }
        }
        for (double limit : sloLimits("latency").values()) {
            if (limit > 0) {
                min = Math.min(min, limit);
                max = Math.max(max, limit);
            }
        }
        latencyRange = min < max ? new double[] {min / 1.5, max * 1.5} : null;
        List<String> designs = run.designs();
        for (int d = 0; d < designs.size(); d++) {
            String design = designs.get(d);
            TreeSet<Double> xs = new TreeSet<>();
            run.points().stream().filter(p -> p.design().equals(design)).forEach(p -> xs.add((double) p.width()));
            List<Double> x = new ArrayList<>(xs);
            String id = "sweep-latency-" + d;
            ObjectNode c = chart(id, "Response time vs width: " + design, "width (concurrency, log2)", "response time (ms, log)", x);
            c.put("log", true);
            c.put("xLog", true);
            if (latencyRange != null) c.putArray("yRange").add(latencyRange[0]).add(latencyRange[1]);
            String[][] pcts = {{"p50", "p50", GREEN}, {"p90", "p90", BLUE}, {"p99", "p99", VERMILLION}, {"p999", "p99.9", PURPLE}};
            for (String[] pc : pcts) {
                ToDoubleFunction<PointRecord> f = p -> orNaN(p.result().responseMs(), LATENCY.get(pc[0]));
                ObjectNode s = series(c, pc[1], pc[2], align(x, perWidth(design, f)));
                s.put("points", true);
                s.put("unit", "ms");
                if (pc[0].equals("p99")) intervals(s, x, design, f);
            }
            sloLines(c, x, "latency", 1, "ms");
            Analysis.Recommendation r = recommendation(design);
            if (r != null && r.width() != null) mark(c, r.width(), "recommended w=" + r.width(), colour(d), "recommended");
            TreeMap<Integer, Double> ec = perWidth(design, p -> orNaN(p.result().erlangC(), PointResult.ErlangC::p99Ms));
            if (!ec.isEmpty()) {
                ObjectNode s = series(c, "Erlang C p99 (M/M/c)", BLACK, align(x, ec));
                dash(s, 6, 4);
                s.put("points", true);
                s.put("unit", "ms");
                TreeMap<Integer, Double> em = perWidth(design, p -> orNaN(p.result().erlangC(), PointResult.ErlangC::meanMs));
                ObjectNode m = series(c, "Erlang C mean", "#777777", align(x, em));
                dash(m, 2, 3);
                m.put("unit", "ms");
            }
            ids.add(id);
        }
        return ids;
    }

    /**
     * Response time against throughput, one chart per design (the "hockey stick"): each width's mean throughput and
     * percentiles, joined in width order, so the widths where latency climbs while throughput stalls stand out. Same
     * log y range as the latency-vs-width charts; SLO limits as lines; the recommended width marked at its
     * throughput. Call after {@link #latencySweeps()}. Returns chart ids (one per design with a completed point).
     */
    List<String> latencyVsThroughput() {
        List<String> ids = new ArrayList<>();
        List<String> designs = run.designs();
        for (int d = 0; d < designs.size(); d++) {
            String design = designs.get(d);
            TreeMap<Integer, Double> tp = perWidth(design, SweepAnalysis::throughput);
            if (tp.isEmpty()) continue;
            List<Double> x = new ArrayList<>(new TreeSet<>(tp.values()));
            String id = "hockey-" + d;
            ObjectNode c = chart(id, "Response time vs throughput: " + design, "throughput (per s)", "response time (ms, log)", x);
            c.put("log", true);
            if (latencyRange != null) c.putArray("yRange").add(latencyRange[0]).add(latencyRange[1]);
            String[][] pcts = {{"p50", "p50", GREEN}, {"p99", "p99", VERMILLION}, {"p999", "p99.9", PURPLE}};
            for (String[] pc : pcts) {
                TreeMap<Integer, Double> lat = perWidth(design, p -> orNaN(p.result().responseMs(), LATENCY.get(pc[0])));
                List<Double> values = new ArrayList<>();
                for (double xv : x) values.add(null);
                ArrayNode path = json.createArrayNode();
                tp.forEach((w, t) -> {
                    Double v = lat.get(w);
                    if (v == null) return;
                    values.set(x.indexOf(t), v);
                    path.addArray().add(t).add(v).add("w=" + w);
                });
                ObjectNode s = series(c, pc[1], pc[2], values);
                s.put("points", true);
                s.put("unit", "ms");
                s.set("path", path);
                if (pc[0].equals("p99")) s.put("pathLabels", true);
            }
            sloLines(c, x, "latency", 1, "ms");
            Analysis.Recommendation r = recommendation(design);
            if (r != null && r.width() != null && tp.containsKey(r.width())) {
                mark(c, tp.get(r.width()), "recommended w=" + r.width(), colour(d), "recommended");
            }
            ids.add(id);
        }
        return ids;
    }

    /** Error, shed and timeout ratios (of offered) vs width, all designs. */
    String ratesSweep() {
        TreeSet<Double> xs = new TreeSet<>();
        run.points().forEach(p -> xs.add((double) p.width()));
        if (xs.isEmpty()) return null;
        List<Double> x = new ArrayList<>(xs);
        ObjectNode c = chart("sweep-rates", "Failures vs width (share of offered)", "width (concurrency, log2)",
            "share of offered (%)", x);
        c.put("xLog", true);
        List<String> designs = run.designs();
        String[] kinds = {"errors", "shed", "timeouts"};
        List<ToDoubleFunction<PointResult>> counts = List.of(PointResult::failed, PointResult::shed, PointResult::timedOut);
        int[][] dashes = {{}, {6, 3}, {2, 3}};
        for (int d = 0; d < designs.size(); d++) {
            String design = designs.get(d);
            for (int k = 0; k < kinds.length; k++) {
                ToDoubleFunction<PointResult> field = counts.get(k);
                ObjectNode s = series(c, design + " " + kinds[k], colour(d), align(x, perWidth(design, p -> {
                    double off = p.result().offered();
                    return off > 0 ? 100 * field.applyAsDouble(p.result()) / off : Double.NaN;
                })));
                if (dashes[k].length > 0) dash(s, dashes[k]);
                s.put("points", true);
                s.put("unit", "%");
            }
        }
        sloLines(c, x, "error_rate", 100, "%");
        sloLines(c, x, "shed_rate", 100, "%");
        return "sweep-rates";
    }

    /** Request vs item p99 per design (scatter-gather), or null when no point carries request_ms. */
    String scatterGather() {
        boolean any = run.points().stream().anyMatch(p -> p.result().requestMs() != null);
        if (!any) return null;
        TreeSet<Double> xs = new TreeSet<>();
        run.points().forEach(p -> xs.add((double) p.width()));
        List<Double> x = new ArrayList<>(xs);
        ObjectNode c = chart("scatter-gather", "Tail amplification: request vs item p99", "width (concurrency, log2)",
            "p99 (ms, log)", x);
        c.put("xLog", true);
        c.put("log", true);
        List<String> designs = run.designs();
        for (int d = 0; d < designs.size(); d++) {
            String design = designs.get(d);
            TreeMap<Integer, Double> req = perWidth(design, p -> orNaN(p.result().requestMs(), Latency::p99));
            if (req.isEmpty()) continue;
            ObjectNode r = series(c, design + " request p99", colour(d), align(x, req));
            r.put("points", true);
            r.put("unit", "ms");
            ObjectNode i = series(c, design + " item p99", colour(d), align(x, perWidth(design, p -> orNaN(p.result().responseMs(), Latency::p99))));
            dash(i, 5, 4);
            i.put("points", true);
            i.put("unit", "ms");
        }
        return "scatter-gather";
    }

    /** Two time-series charts for a point on the run clock; returns their ids (empty without intervals). */
    List<String> timeSeries(PointRecord p, int index) {
        JsonNode rows = p.intervals() == null ? null : p.intervals().path("rows");
        if (rows == null || !rows.isArray() || rows.isEmpty()) return List.of();
        double start = run.pointStartS(p.id());
        List<Double> x = new ArrayList<>();
        for (JsonNode r : rows) x.add(start + r.path("t_s").asDouble());
        ArrayNode bands = json.createArrayNode();
        Double open = null;
        for (RunEvent e : run.events()) {
            if (!p.id().equals(e.point())) continue;
            if ("fault_start".equals(e.type())) open = e.tS();
            if ("fault_stop".equals(e.type()) && open != null) {
                bands.addArray().add(open).add(e.tS());
                open = null;
            }
        }
        if (open != null) bands.addArray().add(open).add(x.get(x.size() - 1));
        String a = "ts-" + index + "-a", b = "ts-" + index + "-b";
        ObjectNode ca = chart(a, "throughput and p99", "run time (s)", "per s", x);
        ca.put("y2Label", "ms");
        ca.put("height", 220);
        ca.set("bands", bands);
        tsSeries(ca, rows, "throughput", "throughput", BLUE, null, "/s");
        tsSeries(ca, rows, "offered", "offered", SKY, new int[] {4, 3}, "/s");
        tsSeries(ca, rows, "p99_ms", "p99", VERMILLION, null, "ms").put("scale", "y2");
        tsSeries(ca, rows, "max_ms", "max", PURPLE, new int[] {2, 3}, "ms").put("scale", "y2");
        ObjectNode cb = chart(b, "queue, inflight, limit, failures", "run time (s)", "items", x);
        cb.put("y2Label", "per interval");
        cb.put("height", 220);
        cb.set("bands", bands.deepCopy());
        tsSeries(cb, rows, "queue_depth", "queue depth", BLUE, null, null);
        tsSeries(cb, rows, "inflight", "inflight", GREEN, null, null);
        tsSeries(cb, rows, "limit", "limit", BLACK, new int[] {6, 3}, null);
        tsSeries(cb, rows, "errors", "errors", VERMILLION, null, null).put("scale", "y2");
        tsSeries(cb, rows, "shed", "shed", ORANGE, new int[] {4, 3}, null).put("scale", "y2");
        tsSeries(cb, rows, "timeouts", "timeouts", PURPLE, new int[] {2, 3}, null).put("scale", "y2");
        tsSeries(cb, rows, "retries", "retries", SKY, new int[] {6, 2, 2, 2}, null).put("scale", "y2");
        tsSeries(cb, rows, "hedges", "hedges", "#666666", new int[] {1, 2}, null).put("scale", "y2");
        tsSeries(cb, rows, "reorder_depth", "reorder depth", YELLOW, new int[] {3, 3}, null);
        String c = workerSkew(rows, x, bands, index);
        return c == null ? List.of(a, b) : List.of(a, b, c);
    }

    /**
     * Per interval, the stage whose busiest worker is busiest: that worker's busy share, the stage's mean busy
     * share and the item skew (busiest worker's items / mean items). A hot key shows as one worker near 100% while
     * the mean stays low. Null when the intervals carry no per-worker counters.
     */
    private String workerSkew(JsonNode rows, List<Double> x, ArrayNode bands, int index) {
        List<Double> hottest = new ArrayList<>(), mean = new ArrayList<>(), skew = new ArrayList<>();
        boolean any = false;
        for (JsonNode r : rows) {
            double bestBusy = Double.NaN, bestMean = Double.NaN, bestSkew = Double.NaN;
            for (JsonNode st : r.path("workers")) {
                JsonNode busy = st.path("busy"), items = st.path("items");
                if (!busy.isArray() || busy.isEmpty()) continue;
                double max = 0, sum = 0, itemMax = 0, itemSum = 0;
                for (int i = 0; i < busy.size(); i++) {
                    max = Math.max(max, busy.get(i).asDouble());
                    sum += busy.get(i).asDouble();
                    double n = items.path(i).asDouble();
                    itemMax = Math.max(itemMax, n);
                    itemSum += n;
                }
                if (Double.isNaN(bestBusy) || max > bestBusy) {
                    bestBusy = max;
                    bestMean = sum / busy.size();
                    bestSkew = itemSum == 0 ? Double.NaN : itemMax / (itemSum / busy.size());
                }
            }
            any |= !Double.isNaN(bestBusy);
            hottest.add(Double.isNaN(bestBusy) ? null : bestBusy * 100);
            mean.add(Double.isNaN(bestMean) ? null : bestMean * 100);
            skew.add(Double.isNaN(bestSkew) ? null : bestSkew);
        }
        if (!any) return null;
        String id = "ts-" + index + "-c";
        ObjectNode c = chart(id, "worker skew (hot keys)", "run time (s)", "busy %", x);
        c.put("y2Label", "items max/mean");
        c.put("height", 200);
        c.put("yRange", json.createArrayNode().add(0).add(105));
        c.set("bands", bands.deepCopy());
        series(c, "busiest worker", VERMILLION, hottest).put("unit", "%");
        dash(series(c, "mean worker", BLUE, mean).put("unit", "%"), 4, 3);
        series(c, "item skew", PURPLE, skew).put("scale", "y2");
        return id;
    }

    private static ObjectNode tsSeries(ObjectNode chart, JsonNode rows, String field, String label, String colour,
                                       int[] dash, String unit) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : rows) {
            double d = PointRecord.num(r, field);
            v.add(d < 0 ? null : d); // -1 = unknown
        }
        ObjectNode s = series(chart, label, colour, v);
        if (dash != null) dash(s, dash);
        if (unit != null) s.put("unit", unit);
        return s;
    }
}
