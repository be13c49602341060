package io.fanlab.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What one 1 ms timed wait costs on this machine and JDK, outside JMH and without any hand-off: N threads loop
 * {wait 1 ms; count a cycle} for a few seconds after a warm-up round, and the probe prints cycles/s, its ratio to the
 * ideal {@code N / 1 ms}, the mean cycle time, the overshoot percentiles (50 us buckets) and the process CPU per cycle.
 * bench/README.md ("I/O series: the machine's ceiling") quotes its output.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.fanlab.bench.TimedParkProbe <mode> <seconds> <N>...}, modes:
 * <ul>
 *   <li>{@code park}: virtual threads, {@link ItemWork#park} (parkNanos, re-parked until 1 ms passed);</li>
 *   <li>{@code sleep}: virtual threads, {@code Thread.sleep(1)};</li>
 *   <li>{@code platform}: platform threads, {@link ItemWork#park};</li>
 *   <li>{@code fifo}: virtual threads waiting on a {@link FixedDelayTimer} (an untimed park, woken by one timer
 *       thread): what a library that owns a fixed delay could do instead of one JDK timer per wait.</li>
 * </ul>
 * Not a test and not a JMH benchmark: a diagnostic whose figures depend on the machine's load (it prints the
 * machine's busy share from {@code /proc/stat} where that exists, so a run on a busy machine shows it).
 *
 * <p>Threading: the main thread starts and stops the waiters; each waiter keeps its own overshoot histogram, read
 * after it ended.
 */
public final class TimedParkProbe {
    private static final long WAIT_NANOS = 1_000_000;
    private static final int BUCKETS = 64;
    private static final long BUCKET_NANOS = 50_000;

    private TimedParkProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: TimedParkProbe <park|sleep|platform|fifo> <seconds> <N>...");
            System.exit(2);
        }
        String mode = args[0];
        int seconds = Integer.parseInt(args[1]);
        for (int i = 2; i < args.length; i++) {
            int n = Integer.parseInt(args[i]);
            round(mode, n, 1, false); // warm-up
            System.out.println(round(mode, n, seconds, true));
        }
        System.exit(0); // the FIFO timer's thread is a daemon, but be explicit
    }

    /** The wait of a mode, from a cycle's start time. */
    private static void await(String mode, long start) throws InterruptedException {
        switch (mode) {
            case "park", "platform" -> {
                for (long left = WAIT_NANOS; left > 0; left = start + WAIT_NANOS - System.nanoTime()) LockSupport.parkNanos(left);
            }
            case "sleep" -> Thread.sleep(1);
            case "fifo" -> FixedDelayTimer.INSTANCE.awaitDeadline(start + WAIT_NANOS);
            default -> throw new IllegalArgumentException("mode: " + mode + " (expected: park, sleep, platform or fifo)");
        }
    }

    private static String round(String mode, int n, int seconds, boolean report) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder cycles = new LongAdder();
        long[][] overshoot = new long[n][];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            Runnable loop = () -> {
                long[] h = new long[BUCKETS];
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        await(mode, t0);
                        h[(int) Math.min(BUCKETS - 1, (System.nanoTime() - t0 - WAIT_NANOS) / BUCKET_NANOS)]++;
                        cycles.increment();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                overshoot[me] = h;
            };
            threads.add(mode.equals("platform") ? Thread.ofPlatform().daemon().start(loop) : Thread.ofVirtual().start(loop));
        }
        Thread.sleep(300);
        long c0 = cycles.sum(), t0 = System.nanoTime(), cpu0 = os.getProcessCpuTime();
        long[] s0 = procStat();
        Thread.sleep(seconds * 1000L);
        long c1 = cycles.sum(), t1 = System.nanoTime(), cpu1 = os.getProcessCpuTime();
        long[] s1 = procStat();
        stop.set(true);
        for (Thread t : threads) t.join();
        if (!report) return "";
        long[] h = new long[BUCKETS];
        long total = 0;
        for (long[] x : overshoot) for (int b = 0; b < BUCKETS; b++) { h[b] += x[b]; total += x[b]; }
        double rate = (c1 - c0) * 1e9 / (t1 - t0);
        double cores = (cpu1 - cpu0) / (double) (t1 - t0);
        String machine = s0 == null || s1 == null ? "machine busy n/a"
                : String.format(Locale.ROOT, "machine busy %.0f%%", 100.0 * (s1[0] - s0[0]) / Math.max(1, (s1[0] - s0[0]) + (s1[1] - s0[1])));
        return String.format(Locale.ROOT,
                "%s N=%d: %.0f cycles/s = %.3f of ideal; mean cycle %.3f ms; overshoot p50 %s p90 %s p99 %s; process CPU %.2f cores, %.2f us per cycle; %s",
                mode, n, rate, rate / (n * 1e9 / WAIT_NANOS), n / rate * 1000, bucket(h, total, 0.5), bucket(h, total, 0.9),
                bucket(h, total, 0.99), cores, cores * 1e6 / rate, machine);
    }

    private static String bucket(long[] h, long total, double q) {
        long acc = 0;
        for (int b = 0; b < BUCKETS; b++) {
            acc += h[b];
            if (acc >= total * q) return b == BUCKETS - 1 ? ">= " + b * BUCKET_NANOS / 1000 + " us"
                    : b * BUCKET_NANOS / 1000 + "-" + (b + 1) * BUCKET_NANOS / 1000 + " us";
        }
        return "n/a";
    }

    /** {busy, idle} jiffies of all CPUs from /proc/stat, or null where there is none. */
    private static long[] procStat() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
            return new long[] {busy, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A timer for waits that all have the same delay, owned by the caller rather than the JDK: because every wait is
     * {@code now + delay}, deadlines are registered in (almost) increasing order, so a FIFO queue is already sorted
     * and needs no heap. One platform daemon thread parks until the head's deadline and unparks every due waiter;
     * a waiter parks without a timeout, so the JDK creates no timer task for it. A waiter signals the timer thread
     * only when it is idle (an empty queue); otherwise the timer is already due to wake at an earlier deadline.
     *
     * <p>Implementation notes: deadlines from different threads may be registered slightly out of order (a thread
     * reads the clock, is descheduled, then enqueues); such an entry is woken when it reaches the head, at most the
     * scheduling delay late. A waiter re-checks its own {@code done} flag after every return from {@code park}, so
     * spurious wake-ups are harmless.
     *
     * <p>Threading: {@link #awaitDeadline} from any number of threads; one timer thread.
     */
    static final class FixedDelayTimer {
        static final FixedDelayTimer INSTANCE = new FixedDelayTimer();

        private record Waiter(long deadline, Thread thread, AtomicBoolean done) {}

        private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
        private volatile boolean idle;
        private final Thread timer = Thread.ofPlatform().daemon().name("fixed-delay-timer").start(this::run);

        /** Returns once {@code System.nanoTime()} passed {@code deadline} and the timer woke this thread. */
        void awaitDeadline(long deadline) {
            Waiter w = new Waiter(deadline, Thread.currentThread(), new AtomicBoolean());
            queue.add(w);
            if (idle) LockSupport.unpark(timer);
            while (!w.done().get()) LockSupport.park(this);
        }

        private void run() {
            while (true) {
                Waiter head = queue.peek();
                if (head == null) {
                    idle = true;
                    if (queue.peek() == null) LockSupport.park(this);
                    idle = false;
                    continue;
                }
                long wait = head.deadline() - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                    continue;
                }
                queue.poll();
                head.done().set(true);
                LockSupport.unpark(head.thread());
            }
        }
    }
}
