package io.fanlab.harness.fault;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * The one table of fault kinds: for each, its name in scenarios, messages and the event log ({@code latency_spike}),
 * its record, and its YAML keys in the order the writer emits them. The binder, the writer, the allowed keys
 * ({@code FormatKeys}), the event log and the fault checks take names and keys from here; a test keeps the JSON
 * Schema and the table in {@code scenarios/README.md} equal to it, and another that every {@link FaultSpec} record
 * has exactly one row. Adding a fault kind: a record in {@link FaultSpec}, a row here, the binder's case, then the
 * schema and the README (the tests name what is missing).
 */
public enum FaultKind {
    /** Service time of affected items multiplied by {@code factor} and/or increased by {@code added}. */
    LATENCY_SPIKE("latency_spike", FaultSpec.LatencySpike.class, "at", "duration", "factor", "added", "fraction", "stage"),
    /** Affected items fail with probability {@code rate}. */
    ERROR_INJECTION("error_injection", FaultSpec.ErrorInjection.class, "at", "duration", "rate", "stage"),
    /** {@code share} of items get the hot key. */
    HOT_KEY("hot_key", FaultSpec.HotKey.class, "at", "duration", "share"),
    /** The downstream answers 503 with probability {@code rate}. */
    DOWNSTREAM_503("downstream_503", FaultSpec.Downstream503.class, "at", "duration", "rate"),
    /** The downstream's latency is multiplied by {@code factor} and increased by {@code added}. */
    DOWNSTREAM_SLOW("downstream_slow", FaultSpec.DownstreamSlow.class, "at", "duration", "factor", "added"),
    /** {@code workers} workers of a stage freeze for the window. */
    WORKER_STALL("worker_stall", FaultSpec.WorkerStall.class, "at", "duration", "stage", "workers"),
    /** A background allocation storm of {@code rate} bytes per second. */
    GC_PRESSURE("gc_pressure", FaultSpec.GcPressure.class, "at", "duration", "rate"),
    /** {@code threads} busy threads steal CPU. */
    CPU_HOG("cpu_hog", FaultSpec.CpuHog.class, "at", "duration", "threads"),
    /** Offered rate multiplied by {@code factor} (open load). */
    LOAD_SPIKE("load_spike", FaultSpec.LoadSpike.class, "at", "duration", "factor"),
    /** The point's JVM exits at {@code at} (exit code {@code PointMain.ABORT_EXIT}); the sweep stops there. */
    ABORT("abort", FaultSpec.Abort.class, "at");

    private final String yamlName;
    private final Class<? extends FaultSpec> record;
    private final SequencedSet<String> keys;

    FaultKind(String yamlName, Class<? extends FaultSpec> record, String... keys) {
        this.yamlName = yamlName;
        this.record = record;
        this.keys = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(List.of(keys)));
    }

    /** The name in scenarios, error messages ({@code faults[0].latency_spike.factor}) and {@code events.jsonl}. */
    public String yamlName() { return yamlName; }

    /** The record this kind binds to. */
    public Class<? extends FaultSpec> record() { return record; }

    /** The allowed YAML keys, in the order the writer emits them ({@code at} first). */
    public SequencedSet<String> keys() { return keys; }

    /** The kind of a fault. */
    public static FaultKind of(FaultSpec f) {
        return switch (f) {
            case FaultSpec.LatencySpike x -> LATENCY_SPIKE;
            case FaultSpec.ErrorInjection x -> ERROR_INJECTION;
            case FaultSpec.HotKey x -> HOT_KEY;
            case FaultSpec.Downstream503 x -> DOWNSTREAM_503;
            case FaultSpec.DownstreamSlow x -> DOWNSTREAM_SLOW;
            case FaultSpec.WorkerStall x -> WORKER_STALL;
            case FaultSpec.GcPressure x -> GC_PRESSURE;
            case FaultSpec.CpuHog x -> CPU_HOG;
            case FaultSpec.LoadSpike x -> LOAD_SPIKE;
            case FaultSpec.Abort x -> ABORT;
        };
    }

    /** The kind named {@code yamlName}, if any. */
    public static Optional<FaultKind> named(String yamlName) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(yamlName)).findFirst();
    }

    /** Every kind's name, in table order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(FaultKind::yamlName).toList();
    }
}
