/**
 * Comparing runs: {@link io.fanlab.reports.compare.RunComparison} marks each metric of each point regressed,
 * improved or within noise, direction-aware ({@link io.fanlab.reports.compare.Metric}) and noise-aware (a
 * bootstrap interval with repeats, {@link io.fanlab.reports.compare.Tolerances} always);
 * {@link io.fanlab.reports.compare.CompareFiles} writes compare.html and compare.json. Reads run directories only;
 * pure functions, thread-safe.
 */
package io.fanlab.reports.compare;
