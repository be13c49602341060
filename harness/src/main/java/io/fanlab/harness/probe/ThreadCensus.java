package io.fanlab.harness.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Counts live threads, virtual ones included. {@link Thread#getAllStackTraces()} does not list virtual threads,
 * so this takes a JSON thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}, JDK 21+), which lists every
 * thread in every thread container, and reads the thread ids and names. Costs a few ms; call it at point
 * boundaries, never on a hot path. Thread-safe.
 */
public final class ThreadCensus {
    private ThreadCensus() {}

    /** A thread seen in a census. */
    public record Seen(long tid, String name, boolean virtual) {}

    public static List<Seen> take() {
        try {
            Path tmp = Files.createTempFile("fanlab-threads", ".json");
            Files.delete(tmp); // dumpThreads refuses to overwrite
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(tmp.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonNode root = new ObjectMapper().readTree(tmp.toFile());
                List<Seen> seen = new ArrayList<>();
                Set<Long> ids = new HashSet<>();
                for (JsonNode container : root.path("threadDump").path("threadContainers")) {
                    for (JsonNode t : container.path("threads")) {
                        long tid = t.path("tid").asLong();
                        if (!ids.add(tid)) continue;
                        seen.add(new Seen(tid, t.path("name").asText(""), t.has("virtual") && t.path("virtual").asBoolean()
                                || t.path("name").asText("").isEmpty() && !container.path("container").asText("").startsWith("<root>")));
                    }
                }
                return seen;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("thread census: cannot take a JSON thread dump: " + e.getMessage(), e);
        }
    }

    /** Threads alive now that were not in {@code baseline} (by thread id). */
    public static List<Seen> newSince(List<Seen> baseline) {
        Set<Long> before = new HashSet<>();
        for (Seen s : baseline) before.add(s.tid());
        List<Seen> extra = new ArrayList<>();
        for (Seen s : take()) if (!before.contains(s.tid())) extra.add(s);
        return extra;
    }
}
