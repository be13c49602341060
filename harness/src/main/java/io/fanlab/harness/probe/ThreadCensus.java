package io.fanlab.harness.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Counts live threads, virtual ones included, and tells who owns each one. {@link Thread#getAllStackTraces()} does
 * not list virtual threads, so this takes a JSON thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}, JDK 21+),
 * which lists every thread in every thread container, and reads ids, names, containers and stacks. Costs a few ms;
 * call it at point boundaries, never on a hot path. Thread-safe.
 *
 * <h2>Ownership, not names</h2>
 * A thread is the {@link Owner#JVM JVM's} when the runtime made it for itself, judged by what holds it rather than by
 * its name (a design leaking {@code new ForkJoinPool(n)} has threads named exactly like the JDK's):
 * <ul>
 *   <li>a platform thread whose {@link ThreadGroup} is not the application's ({@code main}) nor one below it: the
 *       JDK puts its own threads in the {@code system} group or groups below it ({@code InnocuousThreadGroup}:
 *       cleaners, JDK 21's {@code Read-Poller}/{@code Write-Poller} and JDK 25's {@code MasterPoller};
 *       {@code CarrierThreads}: the virtual-thread scheduler's carriers and, on JDK 25, its
 *       {@code delayScheduler}); application code starts threads in its own group, {@code main} or below;</li>
 *   <li>a thread in the common pool's container ({@code ForkJoinPool.commonPool/...}): the JVM owns that pool and
 *       retires its idle workers itself;</li>
 *   <li>a virtual thread whose every stack frame is in a JDK module ({@code java.base/...}): JDK 25's virtual
 *       {@code SubPoller-N} threads; application virtual threads always have a frame of their own task.</li>
 *   <li>a platform thread running only JDK code, some of it the flight recorder's ({@code jdk.jfr/...}): JFR's
 *       {@code JFR Periodic Tasks} thread joins the group of whoever started the first recording (the harness's
 *       capture). Idle pool workers also run only JDK code, so JDK-only stacks alone prove nothing.</li>
 * </ul>
 * Everything else belongs to the application: the design, or the harness, whose threads the caller recognises.
 *
 * <h2>JDK 21 and 25</h2>
 * Both write {@code threadDump.threadContainers[].{container, threads[].{tid, name, stack}}}; only 25 adds
 * {@code virtual: true}. On 21 a thread of the dump that {@link Thread#getAllStackTraces()} does not list is taken
 * as virtual (platform threads are all listed while alive).
 */
public final class ThreadCensus {
    private ThreadCensus() {}

    /** Who made a thread. */
    public enum Owner { JVM, APPLICATION }

    /**
     * A thread seen in a census.
     *
     * @param container the thread container it was found in ({@code <root>}, {@code ForkJoinPool-3/...}, an executor)
     * @param group     its thread group's name (platform threads), or null
     */
    public record Seen(long tid, String name, boolean virtual, String container, String group, Owner owner) {
        public Seen(long tid, String name, boolean virtual) {
            this(tid, name, virtual, "<root>", null, Owner.APPLICATION);
        }
    }

    public static List<Seen> take() {
        try {
            Path tmp = Files.createTempFile("fanlab-threads", ".json");
            Files.delete(tmp); // dumpThreads refuses to overwrite
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(tmp.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                Map<Long, Thread> platform = new HashMap<>();
                for (Thread t : Thread.getAllStackTraces().keySet()) platform.put(t.threadId(), t);
                return parse(new ObjectMapper().readTree(tmp.toFile()), platform, appGroup());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("thread census: cannot take a JSON thread dump: " + e.getMessage(), e);
        }
    }

    /** Reads a JSON thread dump; {@code platform} maps live platform threads by id (for their groups). */
    static List<Seen> parse(JsonNode root, Map<Long, Thread> platform, ThreadGroup app) {
        List<Seen> seen = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (JsonNode container : root.path("threadDump").path("threadContainers")) {
            String cname = container.path("container").asText("");
            for (JsonNode t : container.path("threads")) {
                long tid = t.path("tid").asLong();
                if (!ids.add(tid)) continue;
                Thread th = platform.get(tid);
                boolean virtual = t.has("virtual") ? t.path("virtual").asBoolean() : th == null;
                ThreadGroup g = th == null ? null : th.getThreadGroup();
                List<String> stack = new ArrayList<>();
                for (JsonNode f : t.path("stack")) stack.add(f.asText(""));
                Owner owner = jvmOwned(virtual, g, app, cname, stack) ? Owner.JVM : Owner.APPLICATION;
                seen.add(new Seen(tid, t.path("name").asText(""), virtual, cname, g == null ? null : g.getName(), owner));
            }
        }
        return seen;
    }

    static boolean jvmOwned(boolean virtual, ThreadGroup group, ThreadGroup app, String container, List<String> stack) {
        if (container.startsWith("ForkJoinPool.commonPool/")) return true;
        if (virtual) return !stack.isEmpty() && stack.stream().allMatch(ThreadCensus::jdkFrame);
        if (group == null) return false; // terminated between the dump and the lookup: not alive, not counted by callers
        boolean inApp = false;
        for (ThreadGroup g = group; g != null; g = g.getParent()) if (g == app) inApp = true;
        if (!inApp) return true;
        // the flight recorder's own service thread ("JFR Periodic Tasks") is started in the group of whoever started
        // the first recording: JDK frames only, running jdk.jfr code
        return !stack.isEmpty() && stack.stream().allMatch(ThreadCensus::jdkFrame) && stack.stream().anyMatch(f -> f.startsWith("jdk.jfr/"));
    }

    private static boolean jdkFrame(String frame) {
        return frame.startsWith("java.") || frame.startsWith("jdk.");
    }

    /** The application's top thread group: the {@code main} group (the system group's child the launcher made). */
    static ThreadGroup appGroup() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        if (g == null) return null;
        while (g.getParent() != null && g.getParent().getParent() != null) g = g.getParent();
        return g;
    }

    /** Threads alive now that were not in {@code baseline} (by thread id). */
    public static List<Seen> newSince(List<Seen> baseline) {
        Set<Long> before = new HashSet<>();
        for (Seen s : baseline) before.add(s.tid());
        List<Seen> extra = new ArrayList<>();
        for (Seen s : take()) if (!before.contains(s.tid())) extra.add(s);
        return extra;
    }

    /**
     * Application threads alive now that were not in {@code baseline} and that {@code ownedByCaller} does not claim
     * (the caller's own threads), waiting up to {@code graceNanos} for them to end.
     */
    public static List<Seen> leakedSince(List<Seen> baseline, Predicate<Seen> ownedByCaller, long graceNanos) throws InterruptedException {
        long deadline = System.nanoTime() + graceNanos;
        while (true) {
            List<Seen> extra = newSince(baseline).stream().filter(s -> s.owner() == Owner.APPLICATION && !ownedByCaller.test(s)).toList();
            if (extra.isEmpty() || System.nanoTime() - deadline >= 0) return extra;
            Thread.sleep(50);
        }
    }
}
