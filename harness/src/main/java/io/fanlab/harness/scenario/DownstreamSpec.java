package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Check;

/**
 * The loopback HTTP downstream used by {@code http} work.
 *
 * @param connections client connection limit (like Go's MaxConnsPerHost): at most this many requests in flight,
 *                    the others wait for a connection
 * @param errorRate   base probability of a 503 answer, before faults
 */
public record DownstreamSpec(int connections, double errorRate) {
    public DownstreamSpec {
        Check.atLeast("connections", connections, 1);
        Check.share("error_rate", errorRate);
    }
}
