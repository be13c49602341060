package io.fanlab.harness.capture;

import io.fanlab.reports.run.PointResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a window's JFR recording ({@link RecordingFile}, one pass) into {@link PointResult.Jfr}. Rates are over
 * {@code windowS}; GC CPU share is over {@code processCpuS} (both measured by {@link WindowCapture}). Sites are the
 * first stack frame outside the JDK ({@code java.}, {@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.}), so
 * a park inside {@code LockSupport} is charged to the code that called it; the {@value #TOP_SITES} largest by time.
 * Stateless.
 */
public final class JfrSummary {
    static final int TOP_SITES = 5;

    private JfrSummary() {}

    public static PointResult.Jfr read(Path recording, double windowS, double processCpuS) throws IOException {
        double gcPauseTotal = 0, gcPauseMax = 0, gcCpuNs = 0, allocBytes = 0, safepointMs = 0, parkMs = 0, monitorMs = 0, pinnedMs = 0;
        long gcCount = 0, safepoints = 0, parks = 0, monitors = 0, pinned = 0, stageWindows = 0;
        double cpuJvmSum = 0, cpuMachineSum = 0, cswSum = 0;
        long cpuN = 0, cswN = 0;
        Map<String, double[]> parkSites = new HashMap<>(), monitorSites = new HashMap<>(), pinnedSites = new HashMap<>();
        Map<Long, long[]> allocFirst = new HashMap<>(), allocLast = new HashMap<>(); // thread -> {epoch ns, allocated bytes}
        Map<String, double[]> stages = new LinkedHashMap<>(); // stage -> items, busyNs, capacityNs, busiestItems-weighted, count
        Map<String, List<double[]>> serviceWindows = new HashMap<>(); // stage -> per window {samples, p50 ns, p99 ns, max ns}
        try (RecordingFile f = new RecordingFile(recording)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        double sum = ms(e.getDuration("sumOfPauses"));
                        gcPauseTotal += sum;
                        gcPauseMax = Math.max(gcPauseMax, ms(e.getDuration("longestPause")));
                    }
                    case "jdk.GCCPUTime" -> gcCpuNs += e.getLong("userTime") + e.getLong("systemTime");
                    case "jdk.ObjectAllocationSample" -> allocBytes += e.getLong("weight");
                    case "jdk.ThreadAllocationStatistics" -> {
                        jdk.jfr.consumer.RecordedThread th = e.getThread("thread");
                        if (th == null) break;
                        long tid = th.getId();
                        long at = e.getStartTime().getEpochSecond() * 1_000_000_000L + e.getStartTime().getNano();
                        allocFirst.putIfAbsent(tid, new long[] {at, e.getLong("allocated")});
                        allocLast.put(tid, new long[] {at, e.getLong("allocated")});
                    }
                    case "jdk.SafepointBegin" -> { safepoints++; safepointMs += ms(e.getDuration()); }
                    case "jdk.ThreadPark" -> {
                        parks++;
                        double d = ms(e.getDuration());
                        parkMs += d;
                        add(parkSites, site(e.getStackTrace()), className(e, "parkedClass"), d);
                    }
                    case "jdk.JavaMonitorEnter" -> {
                        monitors++;
                        double d = ms(e.getDuration());
                        monitorMs += d;
                        add(monitorSites, site(e.getStackTrace()), className(e, "monitorClass"), d);
                    }
                    case "jdk.VirtualThreadPinned" -> {
                        pinned++;
                        double d = ms(e.getDuration());
                        pinnedMs += d;
                        String reason = e.hasField("pinnedReason") ? e.getString("pinnedReason") : null;
                        add(pinnedSites, site(e.getStackTrace()), reason == null ? "pinned" : reason, d);
                    }
                    case "jdk.CPULoad" -> {
                        // the first sample of a recording has no reference point and reads all zeros: not a measurement
                        if (e.getFloat("machineTotal") == 0 && e.getFloat("jvmUser") == 0 && e.getFloat("jvmSystem") == 0) break;
                        cpuN++;
                        cpuJvmSum += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                        cpuMachineSum += e.getFloat("machineTotal");
                    }
                    case "jdk.ThreadContextSwitchRate" -> { cswN++; cswSum += e.getFloat("switchRate"); }
                    case "fanlab.StageWindow" -> {
                        stageWindows++;
                        double[] s = stages.computeIfAbsent(e.getString("stage"), k -> new double[4]);
                        long items = e.getLong("itemsOut");
                        s[0] += items;
                        s[1] += e.getLong("busyNanos");
                        s[2] += (double) e.getLong("windowNanos") * e.getInt("width");
                        s[3] += e.getDouble("busiestWorkerShare") * items;
                        if (e.hasField("serviceSamples") && e.getLong("serviceSamples") > 0) { // events of engines before the field: none
                            long n = e.getLong("serviceSamples");
                            serviceWindows.computeIfAbsent(e.getString("stage"), k -> new ArrayList<>()).add(new double[] {n,
                                    e.getDuration("serviceP50").toNanos(), e.getDuration("serviceP99").toNanos(), e.getDuration("serviceMax").toNanos()});
                        }
                    }
                    default -> { }
                }
            }
        }
        // allocation rate: per thread, allocated bytes between its first and last statistics sample (exact counters);
        // the sampled estimate (ObjectAllocationSample weights) only when no thread has two samples
        double allocRate = 0;
        boolean exact = false;
        for (var en : allocLast.entrySet()) {
            long[] first = allocFirst.get(en.getKey()), last = en.getValue();
            if (last[0] > first[0]) {
                allocRate += (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
                exact = true;
            }
        }
        if (!exact) allocRate = windowS <= 0 ? 0 : allocBytes / windowS;
        List<PointResult.StageWindow> stageRows = new ArrayList<>();
        for (var en : stages.entrySet()) {
            double[] s = en.getValue();
            List<double[]> w = serviceWindows.getOrDefault(en.getKey(), List.of());
            long samples = 0;
            double max = 0;
            for (double[] x : w) {
                samples += (long) x[0];
                max = Math.max(max, x[3]);
            }
            stageRows.add(new PointResult.StageWindow(en.getKey(), (long) s[0], s[2] == 0 ? 0 : Math.min(1, s[1] / s[2]),
                    s[0] == 0 ? 0 : s[3] / s[0], s[0] == 0 ? 0 : s[1] / s[0] / 1000.0,
                    samples, weightedMedian(w, 1) / 1000.0, weightedMedian(w, 2) / 1000.0, max / 1000.0));
        }
        return new PointResult.Jfr(gcPauseTotal, gcPauseMax, gcCount, processCpuS <= 0 ? 0 : Math.min(1, gcCpuNs / 1e9 / processCpuS),
                allocRate / (1024 * 1024), safepointMs, safepoints, parkMs, parks, top(parkSites),
                monitorMs, monitors, top(monitorSites), pinned, pinnedMs, top(pinnedSites),
                cpuN == 0 ? 0 : cpuJvmSum / cpuN, cpuN == 0 ? 0 : cpuMachineSum / cpuN, cswN == 0 ? 0 : cswSum / cswN,
                stageWindows, stageRows);
    }

    /** The median of column {@code col} over {@code windows}, each weighted by its samples (column 0); 0 when none. */
    static double weightedMedian(List<double[]> windows, int col) {
        if (windows.isEmpty()) return 0;
        List<double[]> sorted = new ArrayList<>(windows);
        sorted.sort(Comparator.comparingDouble(x -> x[col]));
        double total = 0, seen = 0;
        for (double[] x : sorted) total += x[0];
        for (double[] x : sorted) {
            seen += x[0];
            if (seen >= total / 2) return x[col];
        }
        return sorted.get(sorted.size() - 1)[col];
    }

    private static double ms(Duration d) { return d == null ? 0 : d.toNanos() / 1e6; }

    private static String className(RecordedEvent e, String field) {
        if (!e.hasField(field)) return "";
        RecordedClass c = e.getClass(field);
        return c == null ? "" : c.getName();
    }

    private static void add(Map<String, double[]> sites, String site, String on, double ms) {
        double[] v = sites.computeIfAbsent(site + "\u0000" + on, k -> new double[2]);
        v[0]++;
        v[1] += ms;
    }

    private static List<PointResult.Site> top(Map<String, double[]> sites) {
        return sites.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> en) -> -en.getValue()[1]).thenComparing(Map.Entry::getKey))
                .limit(TOP_SITES)
                .map(en -> {
                    String[] k = en.getKey().split("\u0000", 2);
                    return new PointResult.Site(k[0], k[1], (long) en.getValue()[0], en.getValue()[1]);
                }).toList();
    }

    /** The first frame outside the JDK as {@code class.method}; the top frame when every frame is the JDK's; "?" without a stack. */
    static String site(RecordedStackTrace st) {
        if (st == null || st.getFrames().isEmpty()) return "?";
        for (RecordedFrame fr : st.getFrames()) {
            RecordedMethod m = fr.getMethod();
            if (m == null || m.getType() == null) continue;
            String c = m.getType().getName();
            if (!isJdk(c)) return c + "." + m.getName();
        }
        RecordedMethod m = st.getFrames().get(0).getMethod();
        return m == null || m.getType() == null ? "?" : m.getType().getName() + "." + m.getName();
    }

    static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.");
    }
}
