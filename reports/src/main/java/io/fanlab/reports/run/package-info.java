/**
 * The run directory as data. {@link io.fanlab.reports.run.RunJson} owns the format: its version, the mapper, the
 * point record's reader beside its writer; {@link io.fanlab.reports.run.PointResult} is the one typed point record
 * (documented in {@code reports/RESULTS.md}), written by the harness and read here.
 * {@link io.fanlab.reports.run.RunDirectory} reads a run directory into an immutable
 * {@link io.fanlab.reports.run.RunRecord} whose points are typed, and writes files back atomically. Knows nothing of
 * the harness: the directory is the only contract. Single-threaded use per call.
 */
package io.fanlab.reports.run;
