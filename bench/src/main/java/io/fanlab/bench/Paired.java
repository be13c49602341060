package io.fanlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Side-by-side throughput of several designs, interleaved in short windows inside one JVM, compared by the median of
 * their per-round ratios.
 *
 * <p>Why not only JMH: on the 2-vCPU bench machine the same design moves between two regimes (about 15 and 30 M
 * items/s for the engine at work ~0, 15 and 50 for the Disruptor) from one minute to the next, as the hypervisor
 * places the two vCPUs. JMH measures one design's forks minutes apart from its peer's, so a ratio of two JMH scores
 * can compare two regimes. Here every round measures every design once, back to back (a few hundred ms each, the
 * order rotated per round so no design always runs first), and each round yields one ratio per pair: both sides of a
 * ratio saw the same machine. The verdict is the median ratio with a distribution-free 95% interval (order statistics
 * of the rounds, no normality assumed).
 *
 * <p>Each window builds its design afresh ({@link FanOutRun}), warms it for a third of the window, measures whole ops
 * for the rest and closes it, so no idle design (a yielding Disruptor handler spins) runs beside the one measured.
 * The JIT stays warm across windows (the classes are shared); the first {@code warmupRounds} rounds are discarded.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.fanlab.bench.Paired --designs a,b,c [--width 1]
 * [--tokens 0] [--rounds 15] [--warmup-rounds 2] [--window-ms 400] [--items 20000] [--park-us 0] [--out file.json]}. Prints the
 * markdown; {@code --out} also writes every window and ratio as JSON, rewritten after each window so that a run
 * stopped half-way leaves its finished windows readable. Bad arguments exit 2 with the reason.
 */
public final class Paired {
    /**
     * One comparison.
     * @param designs      names as {@link Designs#create} takes them; the first is the reference of the ratio table
     * @param window       one design's turn per round (a third warms up, the rest is measured)
     * @param warmupRounds leading rounds run but not counted (JIT compilation)
     */
    public record Config(List<String> designs, int width, int tokens, int rounds, int warmupRounds, Duration window, int items,
                         int parkMicros) {
        /** CPU work only ({@code tokens}); no park. */
        public Config(List<String> designs, int width, int tokens, int rounds, int warmupRounds, Duration window, int items) {
            this(designs, width, tokens, rounds, warmupRounds, window, items, 0);
        }

        public Config {
            if (parkMicros < 0) throw new IllegalArgumentException("park: " + parkMicros + " us (expected: >= 0)");
            if (parkMicros > 0 && tokens > 0) throw new IllegalArgumentException("park: " + parkMicros + " us with tokens " + tokens + " (expected: one kind of work)");
            designs = List.copyOf(designs);
            if (designs.size() < 2) throw new IllegalArgumentException("designs: " + designs + " (expected: at least 2 to compare)");
            if (designs.stream().distinct().count() != designs.size()) throw new IllegalArgumentException("designs: " + designs + " (expected: each once)");
            if (width < 1) throw new IllegalArgumentException("width: " + width + " (expected: >= 1)");
            if (tokens < 0) throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 0)");
            if (rounds < 1) throw new IllegalArgumentException("rounds: " + rounds + " (expected: >= 1)");
            if (warmupRounds < 0) throw new IllegalArgumentException("warmup rounds: " + warmupRounds + " (expected: >= 0)");
            if (window.toMillis() < 10) throw new IllegalArgumentException("window: " + window.toMillis() + " ms (expected: >= 10 ms)");
            if (items < 1) throw new IllegalArgumentException("items: " + items + " (expected: >= 1)");
        }
    }

    /**
     * One measured window: {@code design}'s throughput in round {@code round} (0-based, warm-up rounds excluded), and
     * the JVM's CPU time per item over the measured part ({@code cpuNanosPerItem}: every thread of the process,
     * spinning included; NaN when the platform does not report process CPU time). On a machine shared with other
     * work, throughput mostly measures how much CPU the scheduler gave the design; CPU per item measures what the
     * design costs, and varies far less with the load.
     */
    public record Window(int round, String design, double itemsPerSecond, int ops, double cpuNanosPerItem) {
        public Window(int round, String design, double itemsPerSecond, int ops) {
            this(round, design, itemsPerSecond, ops, Double.NaN);
        }
    }

    /**
     * The ratio {@code numerator / denominator} over the rounds: the median of the per-round ratios and its 95%
     * interval ({@code low}, {@code high}; NaN when there are too few rounds for one, fewer than 6).
     */
    public record Ratio(String numerator, String denominator, double median, double low, double high, int rounds) {}

    private Paired() {}

    /** Runs every round; {@code onWindow} sees each counted window as it ends (progress, partial results). */
    public static List<Window> run(Config c, Consumer<Window> onWindow) throws Exception {
        List<Window> out = new ArrayList<>();
        int d = c.designs().size();
        for (int r = 0; r < c.warmupRounds() + c.rounds(); r++) {
            for (int k = 0; k < d; k++) {
                String design = c.designs().get((r + k) % d); // rotated: no design always first after a switch
                Window w = window(c, design, r - c.warmupRounds());
                if (r >= c.warmupRounds()) {
                    out.add(w);
                    onWindow.accept(w);
                }
            }
        }
        return out;
    }

    private static Window window(Config c, String design, int round) throws Exception {
        ItemWork work = c.parkMicros() > 0 ? ItemWork.park(c.parkMicros() * 1_000L) : ItemWork.cpu(c.tokens());
        try (FanOutRun run = new FanOutRun(design, c.width(), work, c.items())) {
            long windowNanos = c.window().toNanos();
            long start = System.nanoTime();
            long warmEnd = start + windowNanos / 3;
            do run.op(); while (System.nanoTime() < warmEnd);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            long end = start + windowNanos;
            int ops = 0;
            do {
                run.op();
                ops++;
            } while (System.nanoTime() < end);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu1 = processCpuNanos();
            double items = ops * (double) c.items();
            return new Window(round, design, items / seconds, ops, cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / items);
        }
    }

    /** CPU time of every thread of this JVM so far, -1 when not reported. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
            return os.getProcessCpuTime();
        return -1;
    }

    /** {@code a / b} of CPU time per item per round (rounds where both were measured), summarized as {@link #ratio}. */
    public static Ratio cpuRatio(List<Window> windows, String a, String b) {
        List<Window> asThroughput = new ArrayList<>();
        for (Window w : windows) // a ratio of costs: lower is better, so the inverse keeps "higher is better" as for items/s
            asThroughput.add(new Window(w.round(), w.design(), 1 / w.cpuNanosPerItem(), w.ops()));
        return ratio(asThroughput, a, b);
    }

    /** Per design: median CPU ns per item and the quartiles over the rounds. */
    static double[] cpuQuartiles(List<Window> windows, String design) {
        double[] v = windows.stream().filter(w -> w.design().equals(design)).mapToDouble(Window::cpuNanosPerItem)
                .filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
        int n = v.length;
        return new double[] {v[(int) Math.floor(0.25 * (n - 1))], median(v), v[(int) Math.ceil(0.75 * (n - 1))]};
    }

    /**
     * {@link #run}, and after every window (re)writes {@code json} (when not null) with the windows so far: a run
     * stopped half-way leaves what it measured.
     */
    static List<Window> runRecording(Config c, Path json, Consumer<Window> progress) throws Exception {
        List<Window> soFar = new ArrayList<>();
        return run(c, w -> {
            progress.accept(w);
            soFar.add(w);
            if (json == null) return;
            try {
                write(json, c, soFar);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** {@code a / b} per round (rounds where both were measured), summarized. */
    public static Ratio ratio(List<Window> windows, String a, String b) {
        Map<Integer, Double> as = new LinkedHashMap<>(), bs = new LinkedHashMap<>();
        for (Window w : windows) {
            if (w.design().equals(a)) as.put(w.round(), w.itemsPerSecond());
            if (w.design().equals(b)) bs.put(w.round(), w.itemsPerSecond());
        }
        double[] rs = as.entrySet().stream().filter(e -> bs.containsKey(e.getKey()))
                .mapToDouble(e -> e.getValue() / bs.get(e.getKey())).sorted().toArray();
        if (rs.length == 0) return new Ratio(a, b, Double.NaN, Double.NaN, Double.NaN, 0);
        int[] ci = medianInterval(rs.length);
        return new Ratio(a, b, median(rs), ci == null ? Double.NaN : rs[ci[0]], ci == null ? Double.NaN : rs[ci[1]], rs.length);
    }

    /** Median of sorted values. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * 0-based ranks {@code [lo, hi]} of the distribution-free 95% interval for the median of {@code n} values: the
     * widest symmetric pair with P(Binomial(n, 1/2) < lo + 1) <= 2.5%; null when n is too small for any (n < 6).
     */
    static int[] medianInterval(int n) {
        double cdf = 0;
        int j = -1; // the largest j with P(B <= j) <= 0.025
        for (int i = 0; i <= n; i++) {
            cdf += binomialHalf(n, i);
            if (cdf <= 0.025) j = i;
            else break;
        }
        if (j < 0) return null;
        return new int[] {j, n - 1 - j};
    }

    private static double binomialHalf(int n, int k) {
        double logC = 0;
        for (int i = 1; i <= k; i++) logC += Math.log(n - k + i) - Math.log(i);
        return Math.exp(logC - n * Math.log(2));
    }

    /** Per design: median items/s and the quartiles over the rounds. */
    static double[] quartiles(List<Window> windows, String design) {
        double[] v = windows.stream().filter(w -> w.design().equals(design)).mapToDouble(Window::itemsPerSecond).sorted().toArray();
        if (v.length == 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
        int n = v.length;
        return new double[] {v[(int) Math.floor(0.25 * (n - 1))], median(v), v[(int) Math.ceil(0.75 * (n - 1))]};
    }

    /** The markdown: each design's median (quartiles), then the first design against each other one. */
    public static String render(Config c, List<Window> windows) {
        StringBuilder md = new StringBuilder();
        String work = c.parkMicros() > 0 ? "park " + c.parkMicros() + " us" : c.tokens() + " tokens";
        md.append(String.format(Locale.ROOT, "### Paired, width %d, work %s: %d rounds x %d ms per design%n%n",
                c.width(), work, c.rounds(), c.window().toMillis()));
        md.append("| design | median M items/s | quartiles | CPU ns per item (median) | quartiles |\n|---|---:|---:|---:|---:|\n");
        for (String d : c.designs()) {
            double[] q = quartiles(windows, d);
            double[] u = cpuQuartiles(windows, d);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f - %.2f | %.0f | %.0f - %.0f |%n", d, q[1] / 1e6, q[0] / 1e6, q[2] / 1e6,
                    u[1], u[0], u[2]));
        }
        String ref = c.designs().get(0);
        String fastestPeer = c.designs().stream().filter(d -> !d.startsWith("engine-"))
                .max(java.util.Comparator.comparingDouble(d -> quartiles(windows, d)[1])).orElse(null);
        md.append("\n| ratio (same round) | median | 95% interval | rounds | target | items per CPU-second, ratio | 95% interval |\n|---|---:|---:|---:|---|---:|---:|\n");
        for (String d : c.designs().subList(1, c.designs().size())) {
            Ratio r = ratio(windows, ref, d);
            Ratio u = cpuRatio(windows, ref, d);
            double target = target(c, ref, d, fastestPeer);
            md.append(String.format(Locale.ROOT, "| %s / %s | %.2f | %s | %d | %s | %.2f | %s |%n", ref, d, r.median(),
                    Double.isNaN(r.low()) ? "(too few rounds)" : String.format(Locale.ROOT, "%.2f - %.2f", r.low(), r.high()), r.rounds(),
                    Double.isNaN(target) ? "" : String.format(Locale.ROOT, ">= %s: %s", target, verdict(r, target)),
                    u.median(), Double.isNaN(u.low()) ? "" : String.format(Locale.ROOT, "%.2f - %.2f", u.low(), u.high())));
        }
        return md.append('\n').toString();
    }

    /**
     * The target for a ratio, NaN when none applies: engine / tpe >= 5 and engine / the fastest peer (by
     * median) >= 0.7 at work ~0; an ordered engine over the same engine unordered >= 0.8.
     */
    static double target(Config c, String numerator, String denominator, String fastestPeer) {
        if (!numerator.startsWith("engine-")) return Double.NaN;
        if (numerator.equals(denominator + "-ordered")) return Summary.TARGET_ORDERED;
        if (c.tokens() != 0 || numerator.endsWith("-ordered")) return Double.NaN;
        if (denominator.equals("tpe")) return Summary.TARGET_VS_TPE;
        if (denominator.equals(fastestPeer)) return Summary.TARGET_VS_PEER;
        return Double.NaN;
    }

    /**
     * Noise-aware verdict: met when the whole 95% interval is at or above the target, missed when it is all below,
     * borderline when it straddles it (or, without an interval, by the median alone, marked so).
     */
    static String verdict(Ratio r, double target) {
        if (Double.isNaN(r.median())) return "not measured";
        if (Double.isNaN(r.low())) return (r.median() >= target ? "met" : "missed") + " by the median (too few rounds for an interval)";
        if (r.low() >= target) return "met";
        if (r.high() < target) return "missed";
        return "borderline";
    }

    public static void main(String[] args) throws Exception {
        Config c;
        Path out = null;
        try {
            Map<String, String> a = options(args);
            out = a.containsKey("out") ? Path.of(a.remove("out")) : null;
            c = new Config(Arrays.asList(required(a, "designs").split(",")), intOpt(a, "width", 1), intOpt(a, "tokens", 0),
                    intOpt(a, "rounds", 15), intOpt(a, "warmup-rounds", 2), Duration.ofMillis(intOpt(a, "window-ms", 400)),
                    intOpt(a, "items", 20_000), intOpt(a, "park-us", 0));
            if (!a.isEmpty()) throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", a.keySet()));
            for (String d : c.designs()) Designs.create(d, 1, ItemWork.cpu(0), new CompletionGate()).close(); // names valid?
        } catch (IllegalArgumentException bad) {
            System.err.println("fanlab paired: " + bad.getMessage());
            System.err.println("usage: Paired --designs a,b[,c...] [--width 1] [--tokens 0] [--rounds 15] [--warmup-rounds 2] [--window-ms 400] [--items 20000] [--park-us 0] [--out file.json]");
            System.exit(2);
            return;
        }
        List<Window> windows = runRecording(c, out, w -> System.err.printf(Locale.ROOT, "round %d %-45s %.2f M items/s%n",
                w.round(), w.design(), w.itemsPerSecond() / 1e6));
        System.out.print(render(c, windows));
        System.exit(0); // designs' daemon threads and pools are closed; exit also ends any JDK helper thread
    }

    /** Writes the config, every window and the reference's ratios as JSON (replaced whole: a reader never sees half a file). */
    static void write(Path out, Config c, List<Window> windows) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>(Map.of("designs", c.designs(), "width", c.width(), "tokens", c.tokens(),
                "rounds", c.rounds(), "warmupRounds", c.warmupRounds(), "windowMs", c.window().toMillis(), "items", c.items()));
        config.put("parkMicros", c.parkMicros());
        doc.put("config", config);
        doc.put("windows", windows);
        List<Ratio> ratios = new ArrayList<>();
        for (String d : c.designs().subList(1, c.designs().size())) ratios.add(ratio(windows, c.designs().get(0), d));
        doc.put("ratios", ratios);
        List<Ratio> cpuRatios = new ArrayList<>(); // items per CPU-second, same-round ratios (see Window)
        for (String d : c.designs().subList(1, c.designs().size())) cpuRatios.add(cpuRatio(windows, c.designs().get(0), d));
        doc.put("cpuRatios", cpuRatios);
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), doc);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length)
                throw new IllegalArgumentException("argument " + (i + 1) + ": " + args[i] + " (expected: --option value)");
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static String required(Map<String, String> a, String k) {
        String v = a.remove(k);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("--" + k + " is required");
        return v;
    }

    private static int intOpt(Map<String, String> a, String k, int dflt) {
        String v = a.remove(k);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + ": " + v + " (expected: an integer)");
        }
    }
}
