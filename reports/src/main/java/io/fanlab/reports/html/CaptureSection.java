package io.fanlab.reports.html;

import static io.fanlab.reports.html.Html.esc;
import static io.fanlab.reports.html.Html.num;
import static io.fanlab.reports.run.PointRecord.each;
import static io.fanlab.reports.run.PointRecord.orNaN;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.profile.CollapsedStacks;
import io.fanlab.reports.profile.ProfileDiff;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The report's "why" section, from each point's {@code capture} (RESULTS.md): one sentence per design naming what
 * limits it just beyond its recommended width, charts of the capture figures against width, a per-point table with
 * links to the flame graphs and JFR files, and where the CPU went between the recommended and the widest width
 * (a profile diff). Reads the run directory only; pure function of its inputs.
 *
 * <p>The sentence's rules, checked at the first width beyond the recommended one (or at the recommended width when it
 * is the widest), every one that holds is named: the CPU saturates (the JVM uses >= {@value #CPU_SATURATED} of the
 * cores, or the machine is >= {@value #MACHINE_SATURATED} busy); a stage's workers are busy >= {@value #STAGE_SATURATED}
 * of the time (the harness's or the engine's own figure, whichever is higher); threads wait on a monitor for >= {@value #CONTENDED} of the window per worker; GC takes >=
 * {@value #GC_HEAVY} of the CPU or pauses >= 2% of the window; one worker of a stage of 3 or more takes >= max(30%, 2/width) of its
 * items (a hot key); the machine is saturated while this JVM is not (other processes: a disturbed measurement);
 * virtual threads pin. None holding: the limit is outside the JVM's CPU (sleeps, a downstream, the load itself).
 * GC's share of CPU is always stated, and the CPU per item.
 */
final class CaptureSection {
    static final double CPU_SATURATED = 0.85, MACHINE_SATURATED = 0.9, STAGE_SATURATED = 0.9, CONTENDED = 0.05, GC_HEAVY = 0.05;

    /**
     * What fanlab's default capture costs, as measured (reports/RESULTS.md, "Capture overhead", with the command that
     * measures it): a figure of the default on the reference machine, not of this run, which ran either with capture
     * or without it. Change it with the measurement.
     */
    /** The default capture's cost as measured by CaptureOverheadSlowTest (reports/RESULTS.md, "Capture overhead"); update both together. */
    static final String DEFAULT_CAPTURE_COST = "The default capture (JFR with fanlab's settings + async-profiler cpu at 20 ms) cost 1.1%"
            + " of throughput on a quiet 2-vCPU machine (95% interval 0.0% to 2.2%, 16 paired rounds; an A/A control moved +0.6%), and"
            + " 2.2% of items per CPU-second at load average 22-36 (reports/RESULTS.md, \"Capture overhead\"; measured by"
            + " CaptureOverheadSlowTest). Opt out with capture: none or --no-capture.";

    private CaptureSection() {}

    /** What the points captured, e.g. "JFR + async-profiler cpu": JFR when any point has a summary, then each profile event (as run). */
    static String captures(List<PointRecord> captured) {
        boolean jfr = false;
        java.util.LinkedHashSet<String> events = new java.util.LinkedHashSet<>();
        for (PointRecord p : captured) {
            PointResult.Capture c = p.result().capture();
            if (c == null) continue;
            jfr |= c.jfr() != null;
            for (PointResult.Profile pr : PointRecord.each(c.profiles())) events.add(pr.engine() != null ? pr.engine() : pr.event());
        }
        String ap = events.isEmpty() ? "" : "async-profiler " + String.join(", ", events);
        return jfr && !ap.isEmpty() ? "JFR + " + ap : jfr ? "JFR only" : ap;
    }

    /** Appends the section (nothing at all when no point carries a capture). */
    static void render(StringBuilder b, RunRecord run, Analysis a, ArrayNode charts) {
        List<PointRecord> captured = run.points().stream().filter(CaptureSection::captured).toList();
        b.append("<h2 id=\"why\">Why: what limits each design</h2>\n");
        if (captured.isEmpty()) {
            b.append("<p class=\"na\">No capture in this run (the scenario's <code>capture: none</code>, <code>--no-capture</code>,")
                .append(" or an in-process run): the report says how much, not why.</p>\n");
            return;
        }
        b.append("<ul class=\"why\" id=\"why-sentences\">\n");
        for (Analysis.Recommendation r : a.recommendations()) {
            b.append("<li><b>").append(esc(r.design())).append("</b>: ").append(esc(sentence(run.points(), r.design(), r.width()))).append("</li>\n");
        }
        b.append("</ul>\n<p class=\"chart-note\">Figures from each point's measured window only (JFR with fanlab's settings,")
            .append(" async-profiler), in the point's own JVM. CPU is the JVM's share of all cores; GC CPU share is GC threads'")
            .append(" CPU time over the JVM's; park and monitor times are waits of 10 ms and 1 ms or more.</p>\n")
            .append("<p class=\"chart-note\" id=\"capture-cost\">Capture cost: this run captured ").append(esc(captures(captured)))
            .append(". ").append(esc(DEFAULT_CAPTURE_COST)).append("</p>\n");
        charts(b, run, charts);
        table(b, run, captured);
        stageTable(b, captured);
        diff(b, run, a);
    }

    /** Whether the point has a JFR summary or a profile (a capture record with neither only carries CPU time). */
    static boolean captured(PointRecord p) {
        PointResult.Capture c = p.result().capture();
        return c != null && (c.jfr() != null || !each(c.profiles()).isEmpty());
    }

    // ---------------------------------------------------------------- the sentence

    /** The sentence for {@code design} (public for tests through {@link #sentence}). */
    static String sentence(List<PointRecord> points, String design, Integer recommended) {
        TreeMap<Integer, PointRecord> byWidth = new TreeMap<>();
        for (PointRecord p : points) {
            if (p.design().equals(design) && p.ok() && jfr(p) != null) byWidth.putIfAbsent(p.width(), p);
        }
        if (byWidth.isEmpty()) return "no captured point to explain (no JFR summary in its points).";
        Integer at = recommended == null ? null : byWidth.higherKey(recommended);
        boolean beyond = at != null;
        if (at == null) at = recommended != null && byWidth.containsKey(recommended) ? recommended : byWidth.lastKey();
        PointRecord p = byWidth.get(at);
        PointResult.Capture c = p.result().capture();
        PointResult.Jfr j = c.jfr();
        List<String> reasons = new ArrayList<>();
        double cpu = cpuUtil(p), machine = j.machineCpu();
        int cores = Math.max(1, c.cores());
        if (cpu >= CPU_SATURATED) {
            reasons.add(String.format(Locale.ROOT, "the CPU saturates (this JVM uses %.0f%% of %d core%s, the machine is %.0f%% busy)",
                    cpu * 100, cores, cores == 1 ? "" : "s", machine * 100));
        } else if (machine >= MACHINE_SATURATED) {
            reasons.add(String.format(Locale.ROOT, "the machine's CPU is saturated, mostly by other processes (the machine is %.0f%% busy,"
                    + " this JVM uses %.0f%% of %d core%s): the figures measure a shared machine", machine * 100, cpu * 100, cores, cores == 1 ? "" : "s"));
        }
        for (PointResult.Stage s : each(p.result().stages())) {
            double u = stageUtil(p, s);
            if (u >= STAGE_SATURATED) {
                reasons.add(String.format(Locale.ROOT, "stage '%s' is busy %.0f%% of its %d worker%s' time", s.name(),
                        u * 100, s.width(), s.width() == 1 ? "" : "s"));
            }
        }
        double windowMs = Math.max(1e-9, c.windowS() * 1000);
        double monitor = j.monitorTotalMs();
        if (monitor / windowMs / Math.max(1, p.width()) >= CONTENDED) {
            PointResult.Site site = first(j.monitorSites());
            reasons.add(String.format(Locale.ROOT, "threads wait %.0f ms per second for a monitor (top: %s at %s)", monitor / windowMs * 1000,
                    site == null || site.on() == null ? "?" : site.on(), site == null || site.site() == null ? "?" : site.site()));
        }
        double gc = j.gcCpuShare(), pauses = j.gcPauseTotalMs() / windowMs;
        boolean gcHeavy = gc >= GC_HEAVY || pauses >= 0.02;
        if (gcHeavy) {
            reasons.add(String.format(Locale.ROOT, "GC is heavy (%.0f%% of CPU, pauses %.0f ms per second, %.0f MiB/s allocated)", gc * 100,
                    pauses * 1000, j.allocRateMbS()));
        }
        for (PointResult.StageWindow s : each(j.stages())) {
            double share = s.busiestWorkerShare();
            int width = widthOf(p, s.stage());
            if (width >= 3 && share >= Math.max(0.3, 2.0 / width)) {
                reasons.add(String.format(Locale.ROOT, "one worker of stage '%s' takes %.0f%% of its items (a hot key or uneven routing)",
                        s.stage(), share * 100));
            }
        }
        long pinned = j.pinnedCount();
        if (pinned > 0) {
            PointResult.Site site = first(j.pinnedSites());
            reasons.add(String.format(Locale.ROOT, "virtual threads pinned their carrier %d times (%s)", pinned,
                    site == null || site.on() == null ? "?" : site.on()));
        }
        String where = beyond ? "beyond width " + recommended + " (at width " + at + ")" : "at width " + at;
        List<String> notes = new ArrayList<>();
        if (!gcHeavy) notes.add(String.format(Locale.ROOT, "GC is %.0f%% of CPU", gc * 100));
        double perItem = cpuPerItemUs(p);
        if (Double.isFinite(perItem)) notes.add(String.format(Locale.ROOT, "CPU per item %.0f us", perItem));
        String cpuNote = String.join(", ", notes);
        if (reasons.isEmpty()) {
            return String.format(Locale.ROOT, "%s no resource of this JVM saturates (CPU %.0f%% of %d cores, busiest stage %.0f%% busy): the limit"
                    + " lies outside it (sleeps or a downstream in the work, or the load itself); %s.", cap(where), cpu * 100, cores,
                    maxStage(p) * 100, cpuNote);
        }
        return cap(where) + " " + String.join("; ", reasons) + "; " + cpuNote + ".";
    }

    private static String cap(String s) { return Character.toUpperCase(s.charAt(0)) + s.substring(1); }

    private static int widthOf(PointRecord p, String stage) {
        for (PointResult.Stage s : each(p.result().stages())) if (stage != null && stage.equals(s.name())) return s.width();
        return 1;
    }

    private static double maxStage(PointRecord p) {
        double m = 0;
        for (PointResult.Stage s : each(p.result().stages())) m = Math.max(m, stageUtil(p, s));
        return m;
    }

    /**
     * A stage's utilisation: the larger of the harness's (time in the stage's work / capacity) and the engine's own
     * (fanlab.StageWindow: time its workers did not wait for items, hand-offs included), when the engine reports one.
     */
    static double stageUtil(PointRecord p, PointResult.Stage stage) {
        double u = stage.utilisation();
        PointResult.Jfr j = jfr(p);
        for (PointResult.StageWindow w : j == null ? List.<PointResult.StageWindow>of() : each(j.stages())) {
            if (w.stage() != null && w.stage().equals(stage.name())) {
                double e = w.utilisation();
                if (Double.isFinite(e)) u = Double.isFinite(u) ? Math.max(u, e) : e;
            }
        }
        return u;
    }

    /** The JVM's CPU time over the window's core-seconds. */
    static double cpuUtil(PointRecord p) {
        PointResult.Capture c = p.result().capture();
        if (c == null) return Double.NaN;
        double w = c.windowS(), cpu = c.processCpuS();
        int cores = Math.max(1, c.cores());
        return w > 0 ? cpu / (w * cores) : Double.NaN;
    }

    /** CPU microseconds per item completed in the window (the JVM's CPU, harness threads included). */
    static double cpuPerItemUs(PointRecord p) {
        PointResult.Capture c = p.result().capture();
        if (c == null) return Double.NaN;
        double items = p.result().throughput() * c.windowS();
        return items > 0 ? c.processCpuS() / items * 1e6 : Double.NaN;
    }

    // ---------------------------------------------------------------- charts

    private static void charts(StringBuilder b, RunRecord run, ArrayNode charts) {
        List<String> ids = new ArrayList<>();
        ids.add(chart(charts, run, "why-cpu", "CPU utilisation vs width", "% of all cores / of the machine", Map.of(
                "JVM CPU", p -> cpuUtil(p) * 100,
                "machine CPU", p -> orNaN(jfr(p), PointResult.Jfr::machineCpu) * 100,
                "GC share of JVM CPU", p -> orNaN(jfr(p), PointResult.Jfr::gcCpuShare) * 100), "%"));
        ids.add(chart(charts, run, "why-cpu-per-item", "CPU per item vs width", "CPU us per completed item",
                Map.of("CPU per item", CaptureSection::cpuPerItemUs), "us"));
        ids.add(chart(charts, run, "why-gc", "GC pause time vs width", "ms of pause per s of window", Map.of(
                "GC pauses", p -> perSecond(p, PointResult.Jfr::gcPauseTotalMs),
                "safepoints", p -> perSecond(p, PointResult.Jfr::safepointTotalMs)), "ms/s"));
        ids.add(chart(charts, run, "why-alloc", "Allocation rate vs width", "MiB/s",
                Map.of("allocation", p -> orNaN(jfr(p), PointResult.Jfr::allocRateMbS)), "MiB/s"));
        ids.add(chart(charts, run, "why-waits", "Contention and park time vs width", "ms waited per s of window (all threads)", Map.of(
                "monitor contention", p -> perSecond(p, PointResult.Jfr::monitorTotalMs),
                "park (idle waits included)", p -> perSecond(p, PointResult.Jfr::parkTotalMs)), "ms/s"));
        b.append("<div class=\"grid2\">");
        ids.forEach(id -> b.append("<div class=\"chart\" id=\"").append(id).append("\"></div>"));
        b.append("</div>\n<p class=\"chart-note\">One line per design and figure; x: width (log2). Park time includes workers")
            .append(" idling for items, so it grows with width by itself; monitor contention does not.</p>\n");
    }

    private static double perSecond(PointRecord p, ToDoubleFunction<PointResult.Jfr> field) {
        PointResult.Jfr j = jfr(p);
        double w = p.result().capture() == null ? 0 : p.result().capture().windowS();
        return w > 0 && j != null ? field.applyAsDouble(j) / w : Double.NaN;
    }

    /** The point's JFR summary, or null. */
    static PointResult.Jfr jfr(PointRecord p) {
        return p.result().capture() == null ? null : p.result().capture().jfr();
    }

    private static <T> T first(List<T> list) {
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    private static String chart(ArrayNode charts, RunRecord run, String id, String title, String yLabel,
                                Map<String, ToDoubleFunction<PointRecord>> figures, String unit) {
        java.util.TreeSet<Integer> widths = new java.util.TreeSet<>();
        run.points().forEach(p -> widths.add(p.width()));
        ObjectNode c = charts.addObject();
        c.put("id", id);
        c.put("title", title);
        c.put("xLabel", "width (log2)");
        c.put("yLabel", yLabel);
        c.put("xLog", true);
        ArrayNode xs = c.putArray("x");
        widths.forEach(w -> xs.add((double) w));
        ArrayNode series = c.putArray("series");
        List<String> designs = run.designs();
        int k = 0;
        for (var f : new TreeMap<>(figures).entrySet()) {
            for (int d = 0; d < designs.size(); d++) {
                Map<Integer, double[]> acc = new TreeMap<>();
                for (PointRecord p : run.points()) {
                    if (!p.design().equals(designs.get(d)) || !p.ok() || jfr(p) == null) continue;
                    double v = f.getValue().applyAsDouble(p);
                    if (!Double.isFinite(v)) continue;
                    double[] a = acc.computeIfAbsent(p.width(), x -> new double[2]);
                    a[0] += v;
                    a[1]++;
                }
                ObjectNode s = series.addObject();
                s.put("label", designs.size() == 1 ? f.getKey() : designs.get(d) + " " + f.getKey());
                s.put("color", ChartSpecs.colour(k++));
                s.put("points", true);
                s.put("unit", unit);
                ArrayNode v = s.putArray("values");
                for (int w : widths) {
                    double[] a = acc.get(w);
                    if (a == null) v.addNull(); else v.add(a[0] / a[1]);
                }
            }
        }
        return id;
    }

    // ---------------------------------------------------------------- table

    private static void table(StringBuilder b, RunRecord run, List<PointRecord> captured) {
        b.append("<div class=\"tablewrap\"><table class=\"sortable\" id=\"capture-table\"><thead><tr><th class=\"l\">point</th>")
            .append("<th>JVM CPU</th><th>machine CPU</th><th>CPU/item us</th><th>GC pauses</th><th>GC total ms</th><th>GC max ms</th>")
            .append("<th>GC CPU</th><th>alloc MiB/s</th><th>safepoint ms</th><th>park ms</th><th class=\"l\">top park site</th>")
            .append("<th>monitor ms</th><th class=\"l\">top contended site</th><th>pinned</th><th>ctx sw/s</th><th class=\"l\">files</th>")
            .append("</tr></thead><tbody>\n");
        for (PointRecord p : captured) {
            PointResult.Capture c = p.result().capture();
            PointResult.Jfr j = c.jfr();
            b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td>");
            if (j != null) {
                cell(b, cpuUtil(p) * 100, "%");
                cell(b, j.machineCpu() * 100, "%");
                cell(b, cpuPerItemUs(p), "");
                cell(b, j.gcCount(), "");
                cell(b, j.gcPauseTotalMs(), "");
                cell(b, j.gcPauseMaxMs(), "");
                cell(b, j.gcCpuShare() * 100, "%");
                cell(b, j.allocRateMbS(), "");
                cell(b, j.safepointTotalMs(), "");
                cell(b, j.parkTotalMs(), "");
                site(b, first(j.parkSites()));
                cell(b, j.monitorTotalMs(), "");
                site(b, first(j.monitorSites()));
                cell(b, j.pinnedCount(), "");
                cell(b, j.contextSwitchRate(), "");
            } else {
                b.append("<td class=\"na\" colspan=\"15\">no JFR summary</td>");
            }
            b.append("<td class=\"l\">");
            String base = "points/" + p.id() + "/";
            if (c.jfrFile() != null)
                b.append("<a href=\"").append(esc(base + c.jfrFile())).append("\">JFR</a> ");
            for (PointResult.Profile pr : each(c.profiles())) {
                b.append("<a href=\"").append(esc(base + pr.flameGraph())).append("\">flame graph (")
                    .append(esc(pr.engine() != null ? pr.engine() : pr.event())).append(")</a> ");
            }
            for (String n : each(c.notCaptured())) b.append("<span class=\"fail\" title=\"").append(esc(n)).append("\">not captured</span> ");
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">Sites: the first frame outside the JDK, and what was waited on.")
            .append(" Open window.jfr in JDK Mission Control for stacks, per-thread CPU and the engine's fanlab.StageWindow events.</p>\n");
    }

    /**
     * Per point and stage, the engine's own figures over the window (fanlab.StageWindow events): utilisation, the
     * busiest worker's share of items, busy time per item and service-time percentiles. Nothing when no point has them.
     */
    static void stageTable(StringBuilder b, List<PointRecord> captured) {
        if (captured.stream().noneMatch(p -> !stages(p).isEmpty())) return;
        b.append("<div class=\"tablewrap\"><table class=\"sortable\" id=\"capture-stage-table\"><thead><tr><th class=\"l\">point</th>")
            .append("<th class=\"l\">stage</th><th>items</th><th>utilisation</th><th>busiest worker</th><th>busy/item us</th>")
            .append("<th>service p50 us</th><th>service p99 us</th><th>service max us</th></tr></thead><tbody>\n");
        for (PointRecord p : captured) {
            for (PointResult.StageWindow s : stages(p)) {
                b.append("<tr><td class=\"l\">").append(esc(p.label())).append("</td><td class=\"l\">").append(esc(s.stage()))
                    .append("</td>");
                cell(b, s.items(), "");
                cell(b, s.utilisation() * 100, "%");
                cell(b, s.busiestWorkerShare() * 100, "%");
                cell(b, s.busyPerItemUs(), "");
                boolean served = s.serviceSamples() > 0;
                for (double v : new double[] {s.serviceP50Us(), s.serviceP99Us(), s.serviceMaxUs()})
                    cell(b, served ? v : Double.NaN, "");
                b.append("</tr>\n");
            }
        }
        b.append("</tbody></table></div>\n<p class=\"chart-note\">The engine's own figures per stage (fanlab.StageWindow, every")
            .append(" 100 ms): utilisation is time its workers did not wait for items; service time is the time in the stage's work per")
            .append(" item, p50 and p99 the typical 100 ms window's (sample-weighted median over windows), max the longest item;")
            .append(" log buckets, at most 12.5% high. \u2014: no service times (a design other than the engine, or an older record).</p>\n");
    }

    private static List<PointResult.StageWindow> stages(PointRecord p) {
        PointResult.Capture c = p.result().capture();
        return c == null || c.jfr() == null ? List.of() : PointRecord.each(c.jfr().stages());
    }

    private static void cell(StringBuilder b, double v, String unit) {
        if (!Double.isFinite(v)) {
            b.append("<td class=\"na\" data-v=\"\">\u2014</td>");
            return;
        }
        b.append("<td").append(Html.dv(v)).append(">").append(esc(num(v) + unit)).append("</td>");
    }

    private static void site(StringBuilder b, PointResult.Site s) {
        if (s == null) {
            b.append("<td class=\"l na\">\u2014</td>");
            return;
        }
        String on = s.on() == null ? "" : s.on();
        b.append("<td class=\"l\"><code>").append(esc(s.site())).append("</code>")
            .append(on.isEmpty() ? "" : " <small>on " + esc(on) + "</small>").append("</td>");
    }

    // ---------------------------------------------------------------- where the CPU went

    private static void diff(StringBuilder b, RunRecord run, Analysis a) {
        for (Analysis.Recommendation r : a.recommendations()) {
            if (r.width() == null) continue;
            PointRecord rec = null, widest = null;
            for (PointRecord p : run.points()) {
                if (!p.design().equals(r.design()) || !p.ok()) continue;
                if (p.width() == r.width() && rec == null) rec = p;
                if (widest == null || p.width() > widest.width()) widest = p;
            }
            if (rec == null || widest == null || widest.width() == rec.width()) continue;
            Path fa = collapsed(run, rec), fb = collapsed(run, widest);
            if (fa == null || fb == null) continue;
            try {
                ProfileDiff d = ProfileDiff.of("width " + rec.width(), CollapsedStacks.read(fa), "width " + widest.width(), CollapsedStacks.read(fb));
                b.append("<h3>").append(esc(r.design())).append(": where the CPU went, width ").append(rec.width()).append(" vs ")
                    .append(widest.width()).append("</h3>\n<pre class=\"diff\">").append(esc(d.table(12))).append("</pre>\n")
                    .append("<p class=\"chart-note\">Same table for any two widths: <code>fanlab diff-profile ")
                    .append(esc(run.dir().toString())).append(" ").append(rec.width()).append(" ").append(widest.width())
                    .append("</code> (add <code>--html</code> for a page).</p>\n");
            } catch (IOException e) {
                b.append("<p class=\"na\">profile diff unavailable: ").append(esc(e.getMessage())).append("</p>\n");
            }
        }
    }

    /** The point's CPU-type collapsed stacks (cpu, itimer or wall, the first present), or null. */
    private static Path collapsed(RunRecord run, PointRecord p) {
        if (p.result().capture() == null) return null;
        for (PointResult.Profile pr : each(p.result().capture().profiles())) {
            String ev = pr.event() == null ? "" : pr.event();
            if (!ev.equals("cpu") && !ev.equals("itimer") && !ev.equals("wall") || pr.collapsed() == null) continue;
            Path f = run.dir().resolve("points").resolve(p.id()).resolve(pr.collapsed());
            if (Files.isRegularFile(f)) return f;
        }
        return null;
    }
}
