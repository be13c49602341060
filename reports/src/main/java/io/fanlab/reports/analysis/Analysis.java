package io.fanlab.reports.analysis;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fanlab.reports.usl.UslResult;

/**
 * The run's analysis, as written into {@code results.json} under {@code analysis} (shape in RESULTS.md).
 *
 * @param rule            the tuning rule in words
 * @param plateauShare    the rule's tolerated shortfall from the plateau (0.05 = 5%)
 * @param recommendations one per design, in design order
 * @param usl             one per design, in design order
 * @param little          Little's law relative error per point that carries it
 * @param bottleneck      the stage with the highest utilisation per point that carries stages
 * @param warnings        validity warnings, most important first
 */
public record Analysis(String rule, double plateauShare, List<Recommendation> recommendations, List<UslFitSummary> usl,
                       List<LittleCheck> little, List<Bottleneck> bottleneck, List<String> warnings) {

    public Analysis {
        recommendations = List.copyOf(recommendations);
        usl = List.copyOf(usl);
        little = List.copyOf(little);
        bottleneck = List.copyOf(bottleneck);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param design     design name
     * @param width      recommended width or null
     * @param throughput mean throughput at that width, per s (NaN when none)
     * @param p99Ms      mean p99 response at that width, ms (NaN when none)
     * @param plateau    plateau throughput, per s
     * @param intervalLo lowest per-repeat recommendation, or null without repeats
     * @param intervalHi highest per-repeat recommendation, or null without repeats
     * @param reason     why width is null, else null
     */
    public record Recommendation(String design, Integer width, double throughput, double p99Ms, double plateau,
                                 Integer intervalLo, Integer intervalHi, String reason) {
    }

    /** @param result the fit, or null when {@code error} says why there is none */
    public record UslFitSummary(String design, UslResult result, String error) {
    }

    /** @param relError Little's law relative error |L - lambda W| / L as recorded by the harness */
    public record LittleCheck(String id, double relError) {
    }

    /** @param utilisation the stage's utilisation, 0..1 */
    public record Bottleneck(String id, String stage, double utilisation) {
    }

    /** The {@code analysis} object; numbers rounded to 6 significant digits, non-finite numbers as null. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode a = json.createObjectNode();
        a.put("rule", rule);
        num(a, "plateau_share", plateauShare);
        ArrayNode recs = a.putArray("recommendations");
        for (Recommendation r : recommendations) {
            ObjectNode o = recs.addObject();
            o.put("design", r.design());
            if (r.width() == null) o.putNull("width"); else o.put("width", r.width());
            num(o, "throughput", r.throughput());
            num(o, "p99_ms", r.p99Ms());
            num(o, "plateau", r.plateau());
            if (r.intervalLo() == null) {
                o.putNull("interval");
            } else {
                o.putArray("interval").add(r.intervalLo()).add(r.intervalHi());
            }
            if (r.reason() != null) o.put("reason", r.reason());
        }
        ArrayNode u = a.putArray("usl");
        for (UslFitSummary s : usl) {
            ObjectNode o = u.addObject();
            o.put("design", s.design());
            if (s.result() == null) {
                o.put("error", s.error());
            } else {
                UslResult r = s.result();
                num(o, "sigma", r.sigma());
                num(o, "kappa", r.kappa());
                num(o, "lambda", r.lambda());
                num(o, "n_peak", r.nPeak());
                num(o, "x_max", r.xMax());
                num(o, "r2", r.r2());
                o.put("method", r.method());
            }
        }
        ArrayNode l = a.putArray("little");
        for (LittleCheck c : little) {
            ObjectNode o = l.addObject();
            o.put("id", c.id());
            num(o, "rel_error", c.relError());
        }
        ArrayNode b = a.putArray("bottleneck");
        for (Bottleneck c : bottleneck) {
            ObjectNode o = b.addObject();
            o.put("id", c.id());
            o.put("stage", c.stage());
            num(o, "utilisation", c.utilisation());
        }
        ArrayNode w = a.putArray("warnings");
        warnings.forEach(w::add);
        return a;
    }

    /** {@code v} rounded to 6 significant digits (stable golden files, honest precision). */
    public static double round6(double v) {
        if (!Double.isFinite(v) || v == 0) return v;
        return new BigDecimal(v).round(new MathContext(6)).doubleValue();
    }

    static void num(ObjectNode o, String field, double v) {
        if (!Double.isFinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, round6(v));
        }
    }
}
