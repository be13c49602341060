/**
 * Runs sweeps: expands a scenario into points (design x width x repeat), runs each point (in a forked JVM by
 * default, JMH-style isolation; in-process on request), and writes the run directory as points finish, so a run
 * killed half-way keeps every finished point readable. The record format is documented in reports/RESULTS.md.
 *
 * <p>Threading: the sweep runs points one at a time on the caller's thread. Inside a point, the generator,
 * sampler and fault threads are owned by {@link io.fanlab.harness.run.PointRunner} and joined before it returns.
 * Whether a point is valid, saturated or invalid is decided by {@link io.fanlab.harness.validity.PointValidity}
 * from the figures the runner measured; the sweep logs the harness's floor
 * ({@link io.fanlab.harness.validity.HarnessFloor}) before the first point.
 * What a point counts is decided by {@link io.fanlab.harness.measure.CompletionSink}; the point's leak check takes
 * the threads the design started by owner ({@link io.fanlab.harness.probe.ThreadCensus}), not by name.
 */
package io.fanlab.harness.run;
