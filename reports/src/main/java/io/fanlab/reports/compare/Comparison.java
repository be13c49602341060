package io.fanlab.reports.compare;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.analysis.Analysis;

/**
 * The answer of {@link RunComparison}: one {@link Row} per (design, width, metric) measured in both runs, each
 * marked regressed, improved or within noise, plus notes on what could not be compared. Written as
 * {@code compare.json} ({@link #toJson}) and {@code compare.html}. Immutable.
 *
 * @param baselineId  run id of the baseline
 * @param candidateId run id of the candidate
 * @param baselineRevision  git revision of the baseline ({@code environment.json}), or "?"
 * @param candidateRevision git revision of the candidate, or "?"
 * @param tolerances  the tolerances applied
 * @param rows        design order, then width, then metric order
 * @param notes       points only on one side, points not valid on a side, recommended widths that moved
 */
public record Comparison(String baselineId, String candidateId, String baselineRevision, String candidateRevision,
                         Tolerances tolerances, List<Row> rows, List<String> notes) {

    public Comparison {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    public enum Mark {
        REGRESSED, IMPROVED, WITHIN_NOISE, NOT_COMPARED,
        /** Moved beyond noise, but the machine changed under it ({@link MachineCheck}): neither regressed nor improved. */
        INCONCLUSIVE;

        /** {@code "regressed"}, {@code "within_noise"}, ... */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One metric at one (design, width).
     *
     * @param design        design
     * @param width         width
     * @param metric        metric
     * @param baseline      the baseline's values, one per valid repeat
     * @param candidate     the candidate's values, one per valid repeat
     * @param baselineMean  mean of {@code baseline}
     * @param candidateMean mean of {@code candidate}
     * @param change        candidate vs baseline: relative {@code (c - b) / b}, or absolute {@code c - b} for
     *                      {@link Metric#absolute()} metrics; positive = the number went up (good for throughput)
     * @param lo            lower end of the 95% bootstrap interval of {@code change}, or NaN without repeats
     * @param hi            upper end, or NaN
     * @param method        {@code "bootstrap"} (both sides have at least two repeats), {@code "tolerance"},
     *                      {@code "offered-limited"}, {@code "none"} (no finite value) or {@link #NO_VALID_REPEAT}
     * @param tolerance     the tolerance applied (+Infinity: off)
     * @param mark          the verdict
     */
    public record Row(String design, int width, Metric metric, List<Double> baseline, List<Double> candidate,
                      double baselineMean, double candidateMean, double change, double lo, double hi, String method,
                      double tolerance, Mark mark) {
        public Row {
            baseline = List.copyOf(baseline);
            candidate = List.copyOf(candidate);
        }
    }

    /** True when any row regressed: {@code fanlab compare} exits 1. */
    public boolean regressed() {
        return rows.stream().anyMatch(r -> r.mark() == Mark.REGRESSED);
    }

    /** {@link Row#method()} of the rows of a point measured on both sides but without a completed valid repeat on one. */
    public static final String NO_VALID_REPEAT = "no-valid-repeat";

    /**
     * True when nothing regressed but the comparison cannot vouch for the candidate either: a row moved beyond noise
     * where the machine changed ({@link MachineCheck}), or a point measured on both sides had no completed valid
     * repeat on one (an invalid point says nothing). {@code fanlab compare} and {@code fanlab reproduce} exit 4.
     */
    public boolean inconclusive() {
        return !regressed() && (count(Mark.INCONCLUSIVE) > 0 || rows.stream().anyMatch(r -> NO_VALID_REPEAT.equals(r.method())));
    }

    public long count(Mark m) {
        return rows.stream().filter(r -> r.mark() == m).count();
    }

    /** {@code "2 regressed, 1 improved, 25 within noise"}. */
    public String summary() {
        return String.format(Locale.ROOT, "%d regressed, %d improved, %d within noise%s", count(Mark.REGRESSED), count(Mark.IMPROVED),
            count(Mark.WITHIN_NOISE), count(Mark.NOT_COMPARED) == 0 ? "" : ", " + count(Mark.NOT_COMPARED) + " not compared")
            + (count(Mark.INCONCLUSIVE) == 0 ? "" : ", " + count(Mark.INCONCLUSIVE) + " inconclusive (machine changed)");
    }

    /** compare.json: {@code {"baseline","candidate",...,"regressed":bool,"tolerances":{..},"rows":[..],"notes":[..]}}. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("format_version", 1);
        o.put("baseline", baselineId);
        o.put("candidate", candidateId);
        o.put("baseline_revision", baselineRevision);
        o.put("candidate_revision", candidateRevision);
        o.put("regressed", regressed());
        o.put("inconclusive", inconclusive());
        o.put("summary", summary());
        ObjectNode t = o.putObject("tolerances");
        tolerances.byMetric().forEach((m, v) -> num(t, m.key(), v));
        ArrayNode rs = o.putArray("rows");
        for (Row r : rows) {
            ObjectNode x = rs.addObject();
            x.put("design", r.design());
            x.put("width", r.width());
            x.put("metric", r.metric().key());
            x.put("higher_is_better", r.metric().higherIsBetter());
            x.put("absolute", r.metric().absolute());
            ArrayNode b = x.putArray("baseline");
            r.baseline().forEach(v -> b.add(Analysis.round6(v)));
            ArrayNode c = x.putArray("candidate");
            r.candidate().forEach(v -> c.add(Analysis.round6(v)));
            num(x, "baseline_mean", r.baselineMean());
            num(x, "candidate_mean", r.candidateMean());
            num(x, "change", r.change());
            if (Double.isNaN(r.lo())) x.putNull("interval");
            else x.putArray("interval").add(Analysis.round6(r.lo())).add(Analysis.round6(r.hi()));
            x.put("method", r.method());
            num(x, "tolerance", r.tolerance());
            x.put("mark", r.mark().key());
        }
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }

    private static void num(ObjectNode o, String f, double v) {
        if (Double.isFinite(v)) o.put(f, Analysis.round6(v));
        else o.putNull(f);
    }
}
