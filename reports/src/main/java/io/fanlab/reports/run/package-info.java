/**
 * The run directory as data: {@link io.fanlab.reports.run.RunDirectory} reads format version 1 (documented in
 * {@code reports/RESULTS.md}) into an immutable {@link io.fanlab.reports.run.RunRecord} and writes files back
 * atomically. Knows nothing of the harness: the directory is the only contract. Single-threaded use per call.
 */
package io.fanlab.reports.run;
