package io.fanlab.harness.run;

import java.nio.file.Path;

/**
 * One point of a sweep, as handed to the JVM that runs it.
 *
 * @param index           0-based position in the sweep
 * @param total           number of points in the sweep
 * @param runStartEpochMs the run's start, shared clock for events.jsonl
 */
public record PointRequest(String id, String design, int width, int repeat, int index, int total,
                           Path runDir, Path scenarioFile, long runStartEpochMs) {

    public static String idOf(String design, int width, int repeat) {
        return design + "-w" + width + "-r" + repeat;
    }
}
