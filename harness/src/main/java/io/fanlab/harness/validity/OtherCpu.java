package io.fanlab.harness.validity;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures how much of the machine's CPU other processes used during a stretch of time, the way the generator's own
 * lag is measured: the machine's busy time from {@code /proc/stat} minus this process's CPU time
 * ({@code OperatingSystemMXBean.getProcessCpuTime}), over the machine's total CPU time in the same stretch.
 *
 * <p>{@code /proc/stat}'s first line counts, in USER_HZ ticks (100 per second on every Linux ABI), the time all CPUs
 * spent in user, nice, system, idle, iowait, irq, softirq and steal; busy is everything but idle and iowait (steal
 * is time a hypervisor gave to another guest: for the point it is a busy machine too). Resolution: one tick per CPU,
 * so over a 5 s window on 2 CPUs about 0.1%. Inside a container /proc/stat is the host's: other processes then
 * include other containers, which is what contends for the same cores.
 *
 * <p>Unavailable (no /proc/stat, or no process CPU time): {@link #snapshot()} returns null and the share is unknown.
 * Snapshots are taken by one thread; the class is stateless.
 */
public final class OtherCpu {
    static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: ticks per second of /proc/stat's counters (fixed at 100 by the Linux userspace ABI). */
    static final double TICKS_PER_SECOND = 100;

    private OtherCpu() {}

    /** Machine and process CPU counters at one instant. */
    public record Snapshot(long busyTicks, long totalTicks, long processCpuNanos) {}

    /** The counters now, or null when the machine or the JVM does not expose them. */
    public static Snapshot snapshot() {
        try {
            long proc = processCpuNanos();
            if (proc < 0) return null;
            long[] t = parseCpuLine(Files.readAllLines(PROC_STAT).get(0));
            return t == null ? null : new Snapshot(t[0], t[1], proc);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Other processes' share of the machine's CPU between two snapshots, in [0, 1]; null when either is null or no
     * tick elapsed.
     */
    public static Double share(Snapshot from, Snapshot to) {
        if (from == null || to == null) return null;
        long total = to.totalTicks() - from.totalTicks();
        if (total <= 0) return null;
        double busyS = (to.busyTicks() - from.busyTicks()) / TICKS_PER_SECOND;
        double ownS = (to.processCpuNanos() - from.processCpuNanos()) / 1e9;
        double share = (busyS - ownS) / (total / TICKS_PER_SECOND);
        return Math.max(0, Math.min(1, share));
    }

    /**
     * {@code [busy, total]} ticks from {@code /proc/stat}'s aggregate line ({@code cpu  user nice system idle iowait
     * irq softirq steal guest guest_nice}; guest time is already inside user and nice); null if it is not that line.
     */
    static long[] parseCpuLine(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) return null;
        long total = 0, idle = 0;
        int fields = Math.min(f.length - 1, 8); // user..steal; guest and guest_nice are counted in user and nice
        for (int i = 1; i <= fields; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) idle += v; // idle, iowait
        }
        return new long[] {total - idle, total};
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return os.getProcessCpuTime();
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
    }
}
