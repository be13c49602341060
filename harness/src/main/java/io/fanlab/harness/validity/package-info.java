/**
 * Whether a point's figures can be trusted, and why they are what they are: {@link io.fanlab.harness.validity.PointValidity}
 * judges a point from plain figures (generator, correctness, machine load, Little's law, fault timing, steady state,
 * the M/M/c self-test); {@link io.fanlab.harness.validity.OtherCpu} measures other processes' CPU during the window;
 * {@link io.fanlab.harness.validity.SteadyState} looks for a trend in the window's intervals;
 * {@link io.fanlab.harness.validity.SelfTestVerdict} judges an M/M/c point against Erlang C;
 * {@link io.fanlab.harness.validity.HarnessFloor} measures the harness's own hand-off and recording cost with no work.
 *
 * <p>Every threshold is a named constant whose javadoc says why it has its value; reports/RESULTS.md ("Validity")
 * repeats them. Pure functions of their inputs except {@code OtherCpu} (reads /proc/stat) and {@code HarnessFloor}
 * (runs a thread); no state shared between points.
 */
package io.fanlab.harness.validity;
