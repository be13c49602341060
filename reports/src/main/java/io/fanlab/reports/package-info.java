/**
 * fanlab reports: turns a run directory (format in {@code reports/RESULTS.md}) into {@code report.html},
 * {@code junit.xml} and the {@code analysis} object of {@code results.json}. Entry points:
 * {@link io.fanlab.reports.ReportGenerator#generate(java.nio.file.Path)} and
 * {@link io.fanlab.reports.usl.UslFit}. Depends on no other fanlab module; reads files only.
 */
package io.fanlab.reports;
