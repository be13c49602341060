package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;
import io.fanlab.engine.spec.InvalidField;
import java.util.List;

/**
 * The points of a run: every design x width x repeat.
 *
 * @param stage   the stage whose width is swept (default: the first)
 * @param widths  widths in the order they run
 * @param designs design names (see {@code fanlab list --designs}); "engine" is the reference engine
 * @param repeats repeats of each point (>= 1)
 * @param abortOnFail stop the sweep after a point that has already lost the run (like k6's abortOnFail): a failed
 *                    check at any point, or, unless the gate is {@code recommended}, a failed gated SLO
 */
public record SweepSpec(String stage, List<Integer> widths, List<String> designs, int repeats, boolean abortOnFail) {
    /** A sweep that runs every point ({@code abort_on_fail: false}). */
    public SweepSpec(String stage, List<Integer> widths, List<String> designs, int repeats) {
        this(stage, widths, designs, repeats, Defaults.ABORT_ON_FAIL);
    }

    public SweepSpec {
        if (stage == null || stage.isBlank()) throw new InvalidField("stage", "'" + stage + "'", "a stage name");
        widths = List.copyOf(Check.notNull("widths", widths));
        designs = List.copyOf(Check.notNull("designs", designs));
        if (widths.isEmpty()) throw new InvalidField("widths", "[]", "at least one width");
        for (int w : widths) Check.atLeast("widths", w, 1);
        if (designs.isEmpty()) throw new InvalidField("designs", "[]", "at least one design");
        Check.atLeast("repeats", repeats, 1);
    }
}
