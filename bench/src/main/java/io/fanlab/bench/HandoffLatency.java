package io.fanlab.bench;

import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hand-off latency at low load: the time from an item's submit to a worker starting it, with idle workers, for
 * several designs side by side in one JVM (issue 13, item 4: at most 50 us mean).
 *
 * <p>What one sample is: the producer reads {@code System.nanoTime()}, hands one item to the design (its
 * {@link FanOutDesign#push} of a one-item array) and waits for its completion; the worker's {@link ItemWork} reads
 * {@code System.nanoTime()} first thing. The sample is start - submit: the submit call, the queue, the wake-up of an
 * idle worker, the scheduler's latency for it, up to the first instruction of the item's work. The producer then
 * waits {@code gap} before the next submit, so that every worker is idle again:
 * <ul>
 *   <li>{@code --gap-us 1000} (default): every worker has stopped spinning and parked (the engine spins for a few
 *       tens of microseconds at most), so each sample pays a wake-up: the cost of an arrival at low load;</li>
 *   <li>{@code --gap-us 0}: the next item arrives while the worker that finished the last one may still be spinning
 *       (back-to-back singles; a closed loop of one user).</li>
 * </ul>
 *
 * <p>Rounds: every round runs every design once ({@code --items} samples each, the first 10% dropped as warm-up of a
 * freshly built design), the order rotated per round; the first round is dropped (JIT). After each design's samples
 * it stays idle for {@code --idle-ms} and the process CPU used meanwhile is reported as <b>idle CPU</b> (ms of CPU per
 * second of wall time; the JVM's own background threads included, so compare designs, not against 0): an engine whose
 * idle workers spun unboundedly would show about 1000 per spinning thread.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.fanlab.bench.HandoffLatency [--designs a,b] [--width 4]
 * [--items 2000] [--rounds 4] [--gap-us 1000] [--idle-ms 500]}. Prints one markdown table: per design the mean, p50,
 * p90, p99 and max hand-off in microseconds over every counted round, the median per-round mean, and idle CPU.
 * Bad arguments exit 2 with the reason. Not a test and not JMH: its figures depend on the machine's load.
 *
 * <p>Threading: the main thread is the producer; each design's workers record into a per-item array read by the
 * producer after the item completed (the completion's happens-before edge, via the gate's atomic count).
 */
public final class HandoffLatency {
    /** The designs compared by default: the engine's single-queue dispatches and the two plain JDK peers. */
    public static final List<String> DEFAULT_DESIGNS = List.of("engine-shared-platform", "engine-adaptive64-platform",
            "engine-shared-virtual", "tpe", "abq-pool");

    /** One design's figures over the counted rounds (microseconds; idle CPU in ms per s). */
    public record Result(String design, long samples, double meanUs, double p50Us, double p90Us, double p99Us, double maxUs,
                         double medianRoundMeanUs, double idleCpuMsPerS) {}

    private HandoffLatency() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) usage("argument " + args[i] + " (expected: --name value)");
            a.put(args[i].substring(2), args[++i]);
        }
        List<String> designs = a.containsKey("designs") ? List.of(a.remove("designs").split(",")) : DEFAULT_DESIGNS;
        int width = intArg(a, "width", 4, 1);
        int items = intArg(a, "items", 2000, 20);
        int rounds = intArg(a, "rounds", 4, 2);
        int gapUs = intArg(a, "gap-us", 1000, 0);
        int idleMs = intArg(a, "idle-ms", 500, 0);
        if (!a.isEmpty()) usage("unknown options " + a.keySet() + " (expected: designs, width, items, rounds, gap-us, idle-ms)");
        List<Result> results = run(designs, width, items, rounds, TimeUnit.MICROSECONDS.toNanos(gapUs), idleMs);
        System.out.println(markdown(results, width, items, rounds, gapUs));
        System.exit(0);
    }

    private static int intArg(Map<String, String> a, String name, int def, int min) {
        String v = a.remove(name);
        if (v == null) return def;
        try {
            int n = Integer.parseInt(v);
            if (n < min) usage(name + ": " + n + " (expected: >= " + min + ")");
            return n;
        } catch (NumberFormatException e) {
            usage(name + ": " + v + " (expected: an integer)");
            return def;
        }
    }

    private static void usage(String why) {
        System.err.println("HandoffLatency: " + why);
        System.err.println("usage: HandoffLatency [--designs a,b] [--width 4] [--items 2000] [--rounds 4] [--gap-us 1000] [--idle-ms 500]");
        System.exit(2);
    }

    /** Runs every round and returns one result per design, in the order given. */
    public static List<Result> run(List<String> designs, int width, int items, int rounds, long gapNanos, int idleMs) throws Exception {
        Map<String, Histogram> all = new LinkedHashMap<>();
        Map<String, List<Double>> roundMeans = new LinkedHashMap<>();
        Map<String, List<Double>> idle = new LinkedHashMap<>();
        for (String d : designs) {
            all.put(d, new Histogram(1, TimeUnit.SECONDS.toNanos(10), 3));
            roundMeans.put(d, new ArrayList<>());
            idle.put(d, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < designs.size(); j++) {
                String d = designs.get((j + r) % designs.size());
                Histogram h = new Histogram(1, TimeUnit.SECONDS.toNanos(10), 3);
                double cpu = sample(d, width, items, gapNanos, idleMs, h);
                if (r == 0) continue; // JIT warm-up round
                all.get(d).add(h);
                roundMeans.get(d).add(h.getMean());
                idle.get(d).add(cpu);
            }
        }
        List<Result> out = new ArrayList<>();
        for (String d : designs) {
            Histogram h = all.get(d);
            out.add(new Result(d, h.getTotalCount(), h.getMean() / 1e3, h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                    median(roundMeans.get(d)) / 1e3, median(idle.get(d))));
        }
        return out;
    }

    /**
     * One design, freshly built: {@code items} single-item submits {@code gap} apart, hand-offs recorded into
     * {@code h} (nanoseconds; the first tenth dropped); then {@code idleMs} of idleness.
     * @return the process CPU used while idle, ms per second
     */
    static double sample(String design, int width, int items, long gapNanos, int idleMs, Histogram h) throws Exception {
        long[] startedAt = new long[items];
        ItemWork stamp = item -> {
            startedAt[item] = System.nanoTime();
            return item;
        };
        CompletionGate gate = new CompletionGate();
        Integer[][] singles = new Integer[items][];
        for (int i = 0; i < items; i++) singles[i] = new Integer[] {i};
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double idleCpu;
        try (FanOutDesign d = Designs.create(design, width, stamp, gate)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // every worker started and idle
            for (int i = 0; i < items; i++) {
                gate.expect(1);
                long submit = System.nanoTime();
                d.push(singles[i]);
                gate.await(TimeUnit.SECONDS.toNanos(10));
                long started = startedAt[i];
                if (started == 0) throw new IllegalStateException(design + ": item " + i + " completed without starting");
                if (i >= items / 10) h.recordValue(Math.max(1, started - submit));
                if (gapNanos > 0) parkFor(gapNanos);
            }
            long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            if (idleMs > 0) parkFor(TimeUnit.MILLISECONDS.toNanos(idleMs));
            long cpu1 = os.getProcessCpuTime(), t1 = System.nanoTime();
            idleCpu = idleMs == 0 ? Double.NaN : (cpu1 - cpu0) / 1e6 / ((t1 - t0) / 1e9);
        }
        return idleCpu;
    }

    private static void parkFor(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) LockSupport.parkNanos(left);
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) return Double.NaN;
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The result table. */
    public static String markdown(List<Result> rs, int width, int items, int rounds, int gapUs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Hand-off latency (submit -> worker starts the item), width %d, %d single items per design per round, "
                + "%d rounds (first dropped), %d us between items%n%n", width, items, rounds, gapUs));
        b.append("| design | samples | mean us | p50 us | p90 us | p99 us | max us | median round mean us | idle CPU ms/s |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : rs)
            b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %.1f |%n", r.design(), r.samples(),
                    r.meanUs(), r.p50Us(), r.p90Us(), r.p99Us(), r.maxUs(), r.medianRoundMeanUs(), r.idleCpuMsPerS()));
        return b.toString();
    }
}
