package io.fanlab.reports.nightly;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.compare.Metric;
import io.fanlab.reports.run.PointRecord;
import io.fanlab.reports.run.RunRecord;

/**
 * The nightly history: a JSON-lines file, one line per scenario per nightly, appended (never rewritten), so CI can
 * carry it from run to run as a cache or artifact. Format (documented in reports/RESULTS.md, "Nightly history"):
 * <pre>
 * {"format_version":1,"nightly":"nightly-20261207-010203","scenario":"capacity","started_at":"...","git_revision":"...",
 *  "fanlab_version":"...","outcome":"pass"|"fail"|"run_failed","exit_code":0,"regressed":true|false|null,
 *  "recommended":[{"design","width"}],
 *  "points":[{"design","width","repeats","throughput","p50_ms","p99_ms","p999_ms","error_rate"}]}
 * </pre>
 * Point figures are means over the completed, valid repeats; {@code regressed} is null when there was no baseline.
 * Reading skips lines that do not parse (a write cut short) and says how many. Not thread-safe: one nightly at a time.
 */
public final class History {

    static final ObjectMapper JSON = new ObjectMapper();

    private History() {
    }

    private static String orElse(String s, String fallback) {
        return s == null ? fallback : s;
    }

    /** The line for one finished run. */
    public static ObjectNode entry(String nightly, RunRecord run, Verdict verdict, Boolean regressed) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format_version", 1);
        o.put("nightly", nightly);
        o.put("scenario", run.scenario("?"));
        o.put("started_at", orElse(run.header().startedAt(), ""));
        o.put("git_revision", orElse(run.environment().gitRevision(), "unknown"));
        o.put("fanlab_version", orElse(run.environment().fanlabVersion(), "unknown"));
        o.put("outcome", verdict.outcome().name().toLowerCase(java.util.Locale.ROOT));
        o.put("exit_code", verdict.exitCode());
        if (regressed == null) o.putNull("regressed"); else o.put("regressed", regressed);
        ArrayNode rec = o.putArray("recommended");
        for (Analysis.Recommendation r : SweepAnalysis.analyse(run).recommendations()) {
            ObjectNode x = rec.addObject().put("design", r.design());
            if (r.width() == null) x.putNull("width"); else x.put("width", r.width());
        }
        ArrayNode pts = o.putArray("points");
        Map<String, List<PointRecord>> byPoint = new LinkedHashMap<>();
        for (PointRecord p : run.points()) if (p.ok() && p.valid()) byPoint.computeIfAbsent(p.design() + "\u0000" + p.width(), k -> new ArrayList<>()).add(p);
        for (List<PointRecord> ps : byPoint.values()) {
            ObjectNode x = pts.addObject();
            x.put("design", ps.get(0).design()).put("width", ps.get(0).width()).put("repeats", ps.size());
            put(x, "throughput", mean(ps, Metric.THROUGHPUT));
            put(x, "p50_ms", mean(ps, Metric.P50));
            put(x, "p99_ms", mean(ps, Metric.P99));
            put(x, "p999_ms", mean(ps, Metric.P999));
            put(x, "error_rate", mean(ps, Metric.ERROR_RATE));
        }
        return o;
    }

    /** Appends {@code entries} as lines (creating the file and its folder). */
    public static void append(Path file, List<ObjectNode> entries) throws IOException {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder b = new StringBuilder();
        for (ObjectNode e : entries) b.append(JSON.writeValueAsString(e)).append('\n');
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** What {@link #read} found. @param skipped lines that did not parse */
    public record Read(List<JsonNode> entries, int skipped) {
    }

    /** Reads every line in file order; a missing file is empty. */
    public static Read read(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        int skipped = 0;
        if (!Files.exists(file)) return new Read(out, 0);
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            try {
                JsonNode n = JSON.readTree(line);
                if (n.isObject()) out.add(n); else skipped++;
            } catch (JsonProcessingException e) {
                skipped++;
            }
        }
        return new Read(out, skipped);
    }

    /** Peak throughput of an entry: the highest mean throughput over its points (NaN when none). */
    public static double peakThroughput(JsonNode entry) {
        double best = Double.NaN;
        for (JsonNode p : entry.path("points")) {
            double t = p.path("throughput").asDouble(Double.NaN);
            if (Double.isFinite(t) && !(t <= best)) best = t;
        }
        return best;
    }

    /** p99 of an entry's peak-throughput point (NaN when none). */
    public static double p99AtPeak(JsonNode entry) {
        double best = Double.NaN;
        double p99 = Double.NaN;
        for (JsonNode p : entry.path("points")) {
            double t = p.path("throughput").asDouble(Double.NaN);
            if (Double.isFinite(t) && !(t <= best)) {
                best = t;
                p99 = p.path("p99_ms").asDouble(Double.NaN);
            }
        }
        return p99;
    }

    private static double mean(List<PointRecord> ps, Metric m) {
        return ps.stream().mapToDouble(m::of).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    private static void put(ObjectNode o, String f, double v) {
        if (Double.isFinite(v)) o.put(f, Analysis.round6(v)); else o.putNull(f);
    }
}
