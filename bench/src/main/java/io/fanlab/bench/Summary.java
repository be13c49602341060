package io.fanlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Turns a JMH JSON result file into the markdown of bench/README.md: one table per benchmark family (design x width,
 * score +/- error) and the ratio lines against the targets, each marked met or missed.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.fanlab.bench.Summary results.json} (markdown on stdout).
 * Ratios are computed only from scores in the given file, i.e. measured in the same run; a ratio whose inputs are
 * missing from the file is reported as "not measured" rather than guessed.
 */
public final class Summary {
    /** One JMH result: the benchmark's simple name ({@code Class.method}), its params, score and error. */
    public record Result(String benchmark, Map<String, String> params, double score, double error, String unit) {
        String param(String k) { return params.getOrDefault(k, ""); }
        int width() { return Integer.parseInt(params.getOrDefault("width", "0")); }
    }

    /** The targets of the issue. */
    public static final double TARGET_VS_TPE = 5.0, TARGET_VS_PEER = 0.7, TARGET_ORDERED = 0.8, TARGET_IO = 0.85;

    private Summary() {}

    /**
     * {@code Summary <result.json>...}: prints the markdown of all results together.
     * {@code Summary --merge <out.json> <part.json>...}: writes one JMH result list holding every part's results.
     */
    public static void main(String[] args) throws IOException {
        if (args.length >= 2 && args[0].equals("--merge")) {
            merge(Path.of(args[1]), java.util.Arrays.stream(args, 2, args.length).map(Path::of).toList());
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: Summary <jmh-result.json>... | Summary --merge <out.json> <part.json>...");
            System.exit(2);
        }
        List<Result> all = new ArrayList<>();
        for (String a : args) all.addAll(read(Path.of(a)));
        System.out.print(render(all));
    }

    /** Concatenates JMH JSON result lists (parts that are missing or empty are skipped). */
    public static void merge(Path out, List<Path> parts) throws IOException {
        ObjectMapper om = new ObjectMapper();
        var all = om.createArrayNode();
        for (Path p : parts) {
            if (!Files.exists(p) || Files.size(p) == 0) continue;
            for (JsonNode b : om.readTree(p.toFile())) all.add(b);
        }
        om.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
    }

    /** The JMH secondary result that, when present, is a benchmark's score in items/s. */
    static final String ITEMS_METRIC = "items";

    /**
     * Reads JMH's JSON result format (a list of benchmark results). A result with an {@value #ITEMS_METRIC} secondary
     * metric is scored by it (items/s); others by their primary metric.
     */
    public static List<Result> read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(json));
        List<Result> out = new ArrayList<>();
        for (JsonNode b : root) {
            String full = b.path("benchmark").asText();
            String[] parts = full.split("\\.");
            String simple = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
            Map<String, String> params = new LinkedHashMap<>();
            b.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            // A benchmark that counts its items itself (IoFanOutBenchmark's `items` aux counter, items/s) is scored by
            // that counter; its primary metric counts ops of a width-dependent size.
            JsonNode items = b.path("secondaryMetrics").path(ITEMS_METRIC);
            JsonNode m = items.isObject() ? items : b.path("primaryMetric");
            double err = m.path("scoreError").isNumber() ? m.path("scoreError").asDouble() : Double.NaN;
            out.add(new Result(simple, params, m.path("score").asDouble(), err, m.path("scoreUnit").asText()));
        }
        return out;
    }

    /** The whole markdown summary. */
    public static String render(List<Result> results) {
        StringBuilder md = new StringBuilder();
        List<Result> cpu = only(results, r -> r.benchmark().startsWith("CpuFanOutBenchmark."));
        for (String tokens : new TreeSet<>(cpu.stream().map(r -> r.param("tokens")).toList())) {
            md.append("### CPU fan-out, work = ").append(tokens).append(" tokens, M items/s\n\n");
            table(md, only(cpu, r -> r.param("tokens").equals(tokens)), "design", 1e-6);
        }
        for (String tokens : new TreeSet<>(cpu.stream().map(r -> r.param("tokens")).toList())) {
            md.append("### Best width per design, work = ").append(tokens).append(" tokens (fastest first)\n\n");
            md.append("| design | best M items/s | at N | / tpe best |\n|---|---:|---:|---:|\n");
            List<Result> w = only(cpu, r -> r.param("tokens").equals(tokens));
            double tpe = best(only(w, r -> r.param("design").equals("tpe"))).map(Result::score).orElse(Double.NaN);
            w.stream().map(r -> r.param("design")).distinct()
                    .map(d -> best(only(w, r -> r.param("design").equals(d))).orElseThrow())
                    .sorted(Comparator.comparingDouble(Result::score).reversed())
                    .forEach(r -> md.append("| ").append(r.param("design")).append(" | ").append(fmt(r.score() * 1e-6))
                            .append(" ± ").append(fmt(r.error() * 1e-6)).append(" | ").append(r.width()).append(" | ")
                            .append(fmt(r.score() / tpe)).append(" |\n"));
            md.append('\n');
        }
        List<Result> io = only(results, r -> r.benchmark().startsWith("IoFanOutBenchmark."));
        if (!io.isEmpty()) {
            md.append("### I/O fan-out (1 ms park per item), items/s and ratio to the ideal N / 1 ms\n\n");
            ioTable(md, io);
        }
        List<Result> batch = only(results, r -> r.benchmark().startsWith("BatchSizeBenchmark."));
        for (String tokens : new TreeSet<>(batch.stream().map(r -> r.param("tokens")).toList())) {
            md.append("### Engine batch size (batched, platform), work = ").append(tokens).append(" tokens, M items/s\n\n");
            List<Result> rows = new ArrayList<>();
            for (Result r : only(batch, r -> r.param("tokens").equals(tokens))) {
                Map<String, String> p = new LinkedHashMap<>(r.params());
                p.put("design", "batch " + r.param("batch"));
                rows.add(new Result(r.benchmark(), p, r.score(), r.error(), r.unit()));
            }
            rows.sort(Comparator.comparingInt(r -> Integer.parseInt(r.param("batch"))));
            table(md, rows, "batch", 1e-6);
        }
        List<Result> fs = only(results, r -> r.benchmark().startsWith("FalseSharingBenchmark."));
        if (!fs.isEmpty()) {
            md.append("### Per-worker counters, padded vs unpadded (2 writer threads, updates/us per group)\n\n");
            md.append("| layout | score | error |\n|---|---:|---:|\n");
            for (Result r : fs)
                md.append("| ").append(r.benchmark().substring(r.benchmark().indexOf('.') + 1)).append(" | ")
                        .append(fmt(r.score())).append(" | ").append(fmt(r.error())).append(" |\n");
            md.append('\n');
        }
        only(results, r -> r.benchmark().equals("WorkCalibrationBenchmark.oneItem")).forEach(r ->
                md.append("Work calibration: ").append(r.param("tokens")).append(" tokens = ").append(fmt(r.score()))
                        .append(" +/- ").append(fmt(r.error())).append(" ns per item on one thread.\n\n"));
        only(results, r -> r.benchmark().equals("WorkCalibrationBenchmark.nanoTime")).forEach(r ->
                md.append("Clock: one System.nanoTime() = ").append(fmt(r.score())).append(" +/- ").append(fmt(r.error()))
                        .append(" ns.\n\n"));
        md.append("### Ratios against the targets (same run)\n\n");
        ratios(md, cpu, io, fs);
        return md.toString();
    }

    private static List<Result> only(List<Result> rs, Predicate<Result> p) { return rs.stream().filter(p).toList(); }

    private static void table(StringBuilder md, List<Result> rs, String rowKey, double scale) {
        TreeSet<Integer> widths = new TreeSet<>(rs.stream().map(Result::width).toList());
        List<String> rows = rs.stream().map(r -> r.param("design")).distinct().toList();
        md.append("| ").append(rowKey);
        for (int w : widths) md.append(" | N=").append(w);
        md.append(" |\n|---");
        for (int ignored : widths) md.append("|---:");
        md.append("|\n");
        for (String row : rows) {
            md.append("| ").append(row);
            for (int w : widths) {
                Optional<Result> r = rs.stream().filter(x -> x.param("design").equals(row) && x.width() == w).findFirst();
                md.append(" | ").append(r.map(x -> fmt(x.score() * scale) + " ± " + fmt(x.error() * scale)).orElse("-"));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    private static void ioTable(StringBuilder md, List<Result> io) {
        TreeSet<Integer> widths = new TreeSet<>(io.stream().map(Result::width).toList());
        md.append("| design");
        for (int w : widths) md.append(" | N=").append(w);
        md.append(" |\n|---");
        for (int ignored : widths) md.append("|---:");
        md.append("|\n");
        for (String d : io.stream().map(Summary::ioRow).distinct().toList()) {
            md.append("| ").append(d);
            for (int w : widths) {
                Optional<Result> r = io.stream().filter(x -> ioRow(x).equals(d) && x.width() == w).findFirst();
                md.append(" | ").append(r.map(x -> fmt(x.score()) + " ± " + fmt(x.error()) + " (" + fmt(ioRatio(x)) + ")").orElse("-"));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    static double ioRatio(Result r) { return r.score() / IoFanOutBenchmark.idealItemsPerSecond(r.width()); }

    /**
     * The I/O table row of a result: its design, plus the op shape and work when they are not the defaults
     * ({@code steady}, {@code park}); results of files written before those params existed have neither.
     */
    static String ioRow(Result r) {
        String row = r.param("design");
        if (!r.param("op").isEmpty() && !r.param("op").equals("steady")) row += " (op " + r.param("op") + ")";
        if (!r.param("work").isEmpty() && !r.param("work").equals("park")) row += " (work " + r.param("work") + ")";
        return row;
    }

    /** An I/O result of the default op shape and work (the ones the target is judged on). */
    private static boolean defaultIo(Result r) { return ioRow(r).equals(r.param("design")); }

    private static boolean isEngine(Result r) { return r.param("design").startsWith("engine-"); }

    private static Optional<Result> best(List<Result> rs) { return rs.stream().max(Comparator.comparingDouble(Result::score)); }

    private static void ratios(StringBuilder md, List<Result> cpu, List<Result> io, List<Result> fs) {
        List<Result> zero = only(cpu, r -> r.param("tokens").equals("0"));
        Optional<Result> engineBest = best(only(zero, Summary::isEngine));
        Optional<Result> tpeBest = best(only(zero, r -> r.param("design").equals("tpe")));
        Optional<Result> peerBest = best(only(zero, r -> !isEngine(r)));
        line(md, "work 0: engine best / ThreadPoolExecutor best", engineBest, tpeBest, TARGET_VS_TPE);
        line(md, "work 0: engine best / fastest peer", engineBest, peerBest, TARGET_VS_PEER);
        for (String tokens : new TreeSet<>(cpu.stream().map(r -> r.param("tokens")).toList())) {
            if (tokens.equals("0")) continue;
            List<Result> w = only(cpu, r -> r.param("tokens").equals(tokens));
            line(md, "work " + tokens + ": engine best / ThreadPoolExecutor best", best(only(w, Summary::isEngine)),
                    best(only(w, r -> r.param("design").equals("tpe"))), Double.NaN);
            line(md, "work " + tokens + ": engine best / fastest peer", best(only(w, Summary::isEngine)),
                    best(only(w, r -> !isEngine(r))), Double.NaN);
        }
        // ordered / unordered: the best ordered setting against the best unordered one, per work level,
        // and the same-setting pairs' range.
        for (String tokens : new TreeSet<>(cpu.stream().map(r -> r.param("tokens")).toList())) {
            List<Result> w = only(cpu, r -> r.param("tokens").equals(tokens) && isEngine(r));
            Optional<Result> bestOrdered = best(only(w, r -> r.param("design").endsWith("-ordered")));
            Optional<Result> bestUnordered = best(only(w, r -> !r.param("design").endsWith("-ordered")));
            line(md, "work " + tokens + ": ordered best / unordered best", bestOrdered, bestUnordered, TARGET_ORDERED);
            List<Double> pairs = new ArrayList<>();
            for (Result o : only(w, r -> r.param("design").endsWith("-ordered"))) {
                String un = o.param("design").substring(0, o.param("design").length() - "-ordered".length());
                w.stream().filter(u -> u.param("design").equals(un) && u.width() == o.width()).findFirst()
                        .ifPresent(u -> pairs.add(o.score() / u.score()));
            }
            if (!pairs.isEmpty()) {
                pairs.sort(null);
                md.append("- work ").append(tokens).append(": ordered / unordered, same setting and width, over ")
                        .append(pairs.size()).append(" pairs: min ").append(fmt(pairs.getFirst())).append(", median ")
                        .append(fmt(pairs.get(pairs.size() / 2))).append(", max ").append(fmt(pairs.getLast())).append('\n');
            }
            List<Double> shard = new ArrayList<>();
            for (Result s : only(w, r -> r.param("design").startsWith("engine-sharded-"))) {
                String sh = s.param("design").replace("engine-sharded-", "engine-shared-");
                w.stream().filter(u -> u.param("design").equals(sh) && u.width() == s.width()).findFirst()
                        .ifPresent(u -> shard.add(s.score() / u.score()));
            }
            if (!shard.isEmpty()) {
                shard.sort(null);
                md.append("- work ").append(tokens).append(": sharded / shared queue, same threads, order and width, over ")
                        .append(shard.size()).append(" pairs: min ").append(fmt(shard.getFirst())).append(", median ")
                        .append(fmt(shard.get(shard.size() / 2))).append(", max ").append(fmt(shard.getLast())).append('\n');
            }
        }
        List<Result> io1024 = only(io, r -> r.width() == 1024 && defaultIo(r));
        Optional<Result> engineIo = best(only(io1024, r -> isEngine(r) && r.param("design").endsWith("-virtual")));
        if (engineIo.isPresent()) {
            double ratio = ioRatio(engineIo.get());
            md.append("- I/O, N=1024: engine on virtual threads (").append(engineIo.get().param("design")).append(") / ideal = ")
                    .append(fmt(ratio)).append(" (target >= ").append(fmt(TARGET_IO)).append(": ")
                    .append(ratio >= TARGET_IO ? "met" : "missed").append(")\n");
        } else {
            md.append("- I/O, N=1024: engine on virtual threads not measured\n");
        }
        Optional<Result> ceiling = best(only(io1024, r -> r.param("design").equals("vt-loop")));
        ceiling.ifPresent(c -> md.append("- I/O, N=1024: the machine's ceiling (vt-loop, no hand-off) / ideal = ")
                .append(fmt(ioRatio(c))).append('\n'));
        line(md, "I/O, N=1024: engine on virtual threads / ceiling (vt-loop)", engineIo, ceiling, Double.NaN);
        Optional<Result> padded = fs.stream().filter(r -> r.benchmark().endsWith(".padded")).findFirst();
        Optional<Result> unpadded = fs.stream().filter(r -> r.benchmark().endsWith(".unpadded")).findFirst();
        line(md, "counters: padded / unpadded", padded, unpadded, Double.NaN);
    }

    private static void line(StringBuilder md, String what, Optional<Result> a, Optional<Result> b, double target) {
        md.append("- ").append(what).append(": ");
        if (a.isEmpty() || b.isEmpty()) {
            md.append("not measured\n");
            return;
        }
        double ratio = a.get().score() / b.get().score();
        md.append(fmt(ratio)).append(" (").append(label(a.get())).append(" vs ").append(label(b.get())).append(')');
        if (!Double.isNaN(target)) md.append(", target >= ").append(fmt(target)).append(": ").append(ratio >= target ? "met" : "missed");
        md.append('\n');
    }

    private static String label(Result r) {
        String d = r.param("design");
        if (d.isEmpty()) d = r.benchmark();
        return (r.width() > 0 ? d + " N=" + r.width() : d) + " " + fmt(r.score() * (r.unit().equals("ops/s") ? 1e-6 : 1))
                + (r.unit().equals("ops/s") ? "M/s" : " " + r.unit());
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "n/a";
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
