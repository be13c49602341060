/**
 * Queueing-theory oracles the harness compares measurements against: {@link io.fanlab.harness.queueing.ErlangC}
 * predicts an M/M/c pool (wait probability, mean wait and response, response-time quantiles) and
 * {@link io.fanlab.harness.queueing.LittlesLaw} checks {@code L = lambda W} on measured timelines.
 *
 * <p>Contract: pure functions of their arguments; no I/O, no clocks. Units are stated per method: rates per second,
 * times in seconds unless a name says nanos. Threading: stateless or immutable, safe from any thread.
 */
package io.fanlab.harness.queueing;
