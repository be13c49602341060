package io.fanlab.harness.run;

import java.nio.file.Path;

/**
 * One point of a sweep, as handed to the JVM that runs it.
 *
 * @param index           0-based position in the sweep
 * @param total           number of points in the sweep
 * @param runStartEpochMs the run's start, shared clock for events.jsonl
 * @param pointStartEpochMs when the sweep logged this point's {@code point_start}: intervals.json counts from it, so
 *                        time series and fault windows (on the run clock) line up whatever the JVM start took
 */
public record PointRequest(String id, String design, int width, int repeat, int index, int total,
                           Path runDir, Path scenarioFile, long runStartEpochMs, long pointStartEpochMs) {

    /** The same request, stamped with the wall-clock time of its {@code point_start} event. */
    public PointRequest startingAt(long epochMs) {
        return new PointRequest(id, design, width, repeat, index, total, runDir, scenarioFile, runStartEpochMs, epochMs);
    }

    public static String idOf(String design, int width, int repeat) {
        return design + "-w" + width + "-r" + repeat;
    }
}
