/**
 * JUnit XML output of a run's verdict for CI servers: checks and SLOs per point (named by the SLO's stable key),
 * findings as skipped cases, and a gate case that fails exactly when the run's
 * {@link io.fanlab.reports.analysis.Verdict} does. Pure functions over a {@link io.fanlab.reports.run.RunRecord};
 * thread-safe.
 */
package io.fanlab.reports.junit;
