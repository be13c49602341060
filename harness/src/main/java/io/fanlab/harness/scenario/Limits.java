package io.fanlab.harness.scenario;

import io.fanlab.harness.probe.LatencyProbe;
import io.fanlab.harness.stream.ItemStream;
import java.time.Duration;

/**
 * The bounds of the scenario format: what the loader refuses (exit 2, {@code file:line:col}) before anything runs,
 * so a hostile or mistyped file can neither hang the CLI nor fail a point at run time. Each bound is far above
 * what a real scenario needs; {@code scenarios/README.md} lists the same values.
 */
public final class Limits {
    private Limits() {}

    /** Largest scenario file, in bytes (1 MiB; the library's largest file is a few KiB). Checked before parsing. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    /** Deepest YAML nesting of mappings and sequences (64; the format itself needs about 10). */
    public static final int MAX_YAML_DEPTH = 64;
    /**
     * Most YAML nodes once every alias ({@code *name}) is expanded (100,000; a library scenario has a few hundred).
     * Bounds "billion laughs" documents whose few bytes expand exponentially.
     */
    public static final long MAX_EXPANDED_NODES = 100_000;
    /** Most distinct keys ({@code keys.*.n}): the Zipf table is built per point, 8 bytes a key. */
    public static final int MAX_KEYS = ItemStream.MAX_KEYS;
    /** Most workers of one stage ({@code width}, {@code sweep.widths}): every worker may be a platform thread. */
    public static final int MAX_WIDTH = 10_000;
    /** Most closed-model users: each is a thread of the load generator. */
    public static final int MAX_USERS = 10_000;
    /** Longest run of one point, {@code warmup + measure + cooldown} (7 days; time is kept in nanoseconds). */
    public static final Duration MAX_RUN = Duration.ofDays(7);
    /** Largest latency SLO {@code max}: the latency probe records up to 1 h and clamps above it. */
    public static final Duration MAX_LATENCY = Duration.ofNanos(LatencyProbe.MAX_US * 1_000);
}
