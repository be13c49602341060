package io.fanlab.engine.spec;

import java.util.List;
import java.util.Map;

/**
 * Per-tenant bulkheads: each tenant may hold at most its share of the stage's concurrency limit. Shares count
 * items in service (an item's hedge or retry takes a permit of the stage's {@link LimitSpec limit}, not a second
 * share of its tenant).
 *
 * @param shares tenant -> share of the limit (each in (0,1], summing to at most 1); tenants not listed share
 *               the rest
 * @param burst  when true a tenant may borrow permits other tenants are not using (work-conserving); when false
 *               shares are hard caps (isolation first)
 */
public record Bulkhead(Map<String, Double> shares, boolean burst) {
    public Bulkhead {
        shares = Map.copyOf(Check.notNull("bulkhead", "shares", shares));
        double sum = 0;
        for (var e : shares.entrySet()) {
            double v = e.getValue();
            if (!(v > 0.0 && v <= 1.0))
                throw new InvalidField("bulkhead", List.of("shares", e.getKey()), String.valueOf(v), v > 1.0 ? "0..1" : "> 0");
            sum += e.getValue();
        }
        if (sum > 1.0 + 1e-9) throw new InvalidField("bulkhead", List.of("shares"), "sum " + sum, "<= 1");
    }
}
