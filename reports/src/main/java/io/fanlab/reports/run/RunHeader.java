package io.fanlab.reports.run;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The run-level header of {@code results.json}: every key of that file except {@code points} (the {@link PointResult}
 * records) and what the report adds ({@code analysis}, {@code verdict}, see {@link RunJson#REPORT_KEYS}). The harness
 * writes it through {@link RunJson#writeResults} and the reports read it through {@link RunJson#readHeader}, so a
 * header field has one name in one place. Nullable where a format-1 file may lack the field (files written before
 * it was added, or a results.json rebuilt from point files); the optional run-level fields ({@code gate},
 * {@code compare_tolerances}, {@code stopped_early}) are left out of the file when null, as before this record.
 *
 * @param formatVersion     {@link RunJson#FORMAT_VERSION} of the writer
 * @param runId             the run directory's name
 * @param scenario          the scenario's name
 * @param description       the scenario's description
 * @param startedAt         ISO-8601 instant the run started (the same as environment.json's)
 * @param runStartEpochMs   the run clock's zero (events' {@code t_s}), epoch milliseconds; a resumed run keeps it
 * @param load              the load model
 * @param sloSpecs          the scenario's SLOs, in words
 * @param gate              what the verdict gates on; null: the default (the recommended width)
 * @param compareTolerances per-metric compare tolerance, keyed by metric; a null value: the metric is not compared
 * @param stoppedEarly      why {@code sweep.abort_on_fail} stopped the sweep, or null when it did not
 * @param finished          whether the sweep ran to its end; null reads as false
 */
public record RunHeader(Integer formatVersion, String runId, String scenario, String description, String startedAt,
                        Long runStartEpochMs, Load load, List<String> sloSpecs,
                        @JsonInclude(JsonInclude.Include.NON_NULL) GateSpec gate,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> compareTolerances,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String stoppedEarly,
                        Boolean finished) {

    public RunHeader {
        sloSpecs = sloSpecs == null ? List.of() : List.copyOf(sloSpecs);
        // tolerance values may be null (metric not compared): no Map.copyOf
        compareTolerances = compareTolerances == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(compareTolerances));
    }

    /**
     * The load model.
     *
     * @param model       {@code open} or {@code closed}
     * @param offeredRate offered arrivals per second (open load: rate times fan-out), null for closed load
     * @param fanout      requests per arrival
     * @param users       concurrent users of closed load; null (and absent) for open load
     */
    public record Load(String model, Double offeredRate, Integer fanout,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer users) {}

    /**
     * What the verdict gates on (the reports' {@code Gate} reads it).
     *
     * @param mode   {@code recommended}, {@code every_point} or {@code widths}
     * @param widths the gated widths when {@code mode} is {@code widths}; absent otherwise
     */
    public record GateSpec(String mode, @JsonInclude(JsonInclude.Include.NON_NULL) List<Integer> widths) {}

    /** The header of a new run: not finished, no gate, tolerances or early stop yet. */
    public static RunHeader start(String runId, String scenario, String description, String startedAt, long runStartEpochMs,
                                  Load load, List<String> sloSpecs) {
        return new RunHeader(RunJson.FORMAT_VERSION, runId, scenario, description, startedAt, runStartEpochMs, load, sloSpecs,
                null, null, null, false);
    }

    /** {@link #finished}; false when absent. */
    public boolean isFinished() { return Boolean.TRUE.equals(finished); }

    public RunHeader withGate(GateSpec g) {
        return new RunHeader(formatVersion, runId, scenario, description, startedAt, runStartEpochMs, load, sloSpecs, g, compareTolerances, stoppedEarly, finished);
    }

    public RunHeader withCompareTolerances(Map<String, Double> t) {
        return new RunHeader(formatVersion, runId, scenario, description, startedAt, runStartEpochMs, load, sloSpecs, gate, t, stoppedEarly, finished);
    }

    public RunHeader withStoppedEarly(String why) {
        return new RunHeader(formatVersion, runId, scenario, description, startedAt, runStartEpochMs, load, sloSpecs, gate, compareTolerances, why, finished);
    }

    public RunHeader withFinished(boolean f) {
        return new RunHeader(formatVersion, runId, scenario, description, startedAt, runStartEpochMs, load, sloSpecs, gate, compareTolerances, stoppedEarly, f);
    }
}
