/**
 * JUnit XML output of a run's SLO verdicts, for CI servers. Pure functions over a
 * {@link io.fanlab.reports.run.RunRecord}; thread-safe.
 */
package io.fanlab.reports.junit;
