/**
 * fanlab reports: turns a run directory (format in {@code reports/RESULTS.md}) into {@code report.html},
 * {@code junit.xml} and the {@code analysis} and {@code verdict} objects of {@code results.json}; compares runs
 * ({@code compare.html}, {@code compare.json}) and keeps the nightly history. Entry points:
 * {@link io.fanlab.reports.ReportGenerator#generate(java.nio.file.Path)},
 * {@link io.fanlab.reports.compare.RunComparison}, {@link io.fanlab.reports.compare.CompareFiles} and
 * {@link io.fanlab.reports.usl.UslFit}. Depends on no other fanlab module; reads files only.
 */
package io.fanlab.reports;
