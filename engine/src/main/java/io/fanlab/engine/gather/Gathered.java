package io.fanlab.engine.gather;

import java.util.List;

/**
 * A joined request.
 *
 * @param join         the join rule
 * @param parts        items the request was split into (k)
 * @param results      results of the items that completed before the join, in completion order
 * @param failedParts  items that ended without a result before the join (failed, shed, timed out, cancelled, dead-lettered)
 * @param satisfied    whether the join rule was met (else it became impossible)
 * @param latencyNanos the request's latency: join time minus submit time (items keep their own times)
 */
public record Gathered<O>(Join join, int parts, List<O> results, int failedParts, boolean satisfied, long latencyNanos) {
    public Gathered {
        results = List.copyOf(results);
    }
}
