package io.fanlab.harness.scenario;

import java.util.List;

/**
 * The points of a run: every design x width x repeat.
 *
 * @param stage   the stage whose width is swept (default: the first)
 * @param widths  widths in the order they run
 * @param designs design names (see {@code fanlab list --designs}); "engine" is the reference engine
 * @param repeats repeats of each point (>= 1)
 */
public record SweepSpec(String stage, List<Integer> widths, List<String> designs, int repeats) {
    public SweepSpec {
        widths = List.copyOf(widths);
        designs = List.copyOf(designs);
    }
}
