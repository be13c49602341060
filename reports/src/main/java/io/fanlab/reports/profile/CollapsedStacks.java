package io.fanlab.reports.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A profile in collapsed-stack form ({@code frame;frame;...;leaf count} per line, as async-profiler and
 * Brendan Gregg's tools write it), reduced to per-frame sample counts: self (the frame is the leaf) and total (the
 * frame is on the stack, counted once per stack). Frame names are normalised to {@code package.Class.method}:
 * async-profiler's {@code _[j]}/{@code _[i]}/{@code _[0]} type suffixes dropped, {@code /} as {@code .}. Immutable.
 */
public final class CollapsedStacks {
    private static final Pattern SUFFIX = Pattern.compile("_\\[[a-z0-9]+]$");

    private final long samples;
    private final Map<String, Long> self;
    private final Map<String, Long> total;

    private CollapsedStacks(long samples, Map<String, Long> self, Map<String, Long> total) {
        this.samples = samples;
        this.self = Map.copyOf(self);
        this.total = Map.copyOf(total);
    }

    /** Reads a collapsed-stack file; malformed lines (no trailing count) are skipped. */
    public static CollapsedStacks read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    public static CollapsedStacks parse(List<String> lines) {
        long samples = 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        for (String line : lines) {
            int sp = line.lastIndexOf(' ');
            if (sp <= 0) continue;
            long n;
            try {
                n = Long.parseLong(line.substring(sp + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            String[] frames = line.substring(0, sp).split(";");
            samples += n;
            Set<String> seen = new HashSet<>();
            String leaf = null;
            for (String f : frames) {
                String name = frame(f);
                if (seen.add(name)) total.merge(name, n, Long::sum);
                leaf = name;
            }
            if (leaf != null) self.merge(leaf, n, Long::sum);
        }
        return new CollapsedStacks(samples, self, total);
    }

    /** {@code java/lang/Thread.run_[j]} -> {@code java.lang.Thread.run}. */
    static String frame(String raw) {
        return SUFFIX.matcher(raw.trim()).replaceFirst("").replace('/', '.');
    }

    public long samples() { return samples; }

    public double selfShare(String frame) { return samples == 0 ? 0 : self.getOrDefault(frame, 0L) / (double) samples; }

    public double totalShare(String frame) { return samples == 0 ? 0 : total.getOrDefault(frame, 0L) / (double) samples; }

    /** Every frame seen on any stack. */
    public Set<String> frames() { return total.keySet(); }

    /** The {@code n} frames with the most self samples, most first (ties by name). */
    public List<String> topSelf(int n) {
        List<String> out = new ArrayList<>(self.keySet());
        out.sort(Comparator.comparingLong((String f) -> -self.get(f)).thenComparing(f -> f));
        return out.subList(0, Math.min(n, out.size()));
    }
}
