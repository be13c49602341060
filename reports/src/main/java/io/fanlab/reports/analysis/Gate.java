package io.fanlab.reports.analysis;

import java.util.ArrayList;
import java.util.List;


/**
 * Which points' SLOs gate a run (the scenario's {@code gate:}; written by the harness into {@code results.json}
 * as {@code "gate": {"mode": ..., "widths": [..]}}). Checks (point completed, valid, conservation, no leaked
 * threads) gate every point whatever the mode; the mode only chooses where a missed SLO is a failure rather than a
 * finding.
 *
 * <ul>
 *   <li>{@link Mode#RECOMMENDED} (the default): each design must have a recommended width ({@link WidthRule}) and
 *       meet every SLO there in every repeat; points at other widths that miss an SLO are findings (a sweep is an
 *       experiment: the widths below the knee miss the latency SLO by design).</li>
 *   <li>{@link Mode#EVERY_POINT}: every SLO at every point.</li>
 *   <li>{@link Mode#WIDTHS}: every SLO at the listed widths, for every design and repeat; a listed width with no
 *       completed point fails.</li>
 * </ul>
 *
 * @param mode   the mode
 * @param widths the gated widths for {@link Mode#WIDTHS}, else empty
 */
public record Gate(Mode mode, List<Integer> widths) {

    /** The gate of a run whose results.json carries none (run directories written before the field existed). */
    public static final Gate DEFAULT = new Gate(Mode.RECOMMENDED, List.of());

    public enum Mode {
        RECOMMENDED("recommended"), EVERY_POINT("every_point"), WIDTHS("widths");

        private final String key;

        Mode(String key) {
            this.key = key;
        }

        /** The word used in YAML and JSON. */
        public String key() {
            return key;
        }
    }

    public Gate {
        if (mode == null) throw new IllegalArgumentException("mode: null (expected: recommended, every_point or widths)");
        widths = List.copyOf(widths);
        if (mode == Mode.WIDTHS && widths.isEmpty()) throw new IllegalArgumentException("widths: [] (expected: at least one width for mode widths)");
        if (mode != Mode.WIDTHS && !widths.isEmpty()) throw new IllegalArgumentException("widths: " + widths + " (expected: none unless mode is widths)");
    }

    /** Reads {@code results.gate}; {@link #DEFAULT} when absent or unreadable (unknown modes fall back too, with the default rule). */
    public static Gate of(io.fanlab.reports.run.RunHeader.GateSpec gate) {
        if (gate == null) return DEFAULT;
        for (Mode mode : Mode.values()) {
            if (mode.key().equals(gate.mode())) {
                List<Integer> ws = mode == Mode.WIDTHS && gate.widths() != null ? List.copyOf(gate.widths()) : List.of();
                return ws.isEmpty() && mode == Mode.WIDTHS ? DEFAULT : new Gate(mode, ws);
            }
        }
        return DEFAULT;
    }

    /** {@code "recommended"}, {@code "every_point"}, {@code "widths [16, 32]"}. */
    public String describe() {
        return mode == Mode.WIDTHS ? "widths " + widths : mode.key();
    }
}
