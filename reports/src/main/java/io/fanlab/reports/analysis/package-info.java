/**
 * Analysis of a read run: the width-recommendation rule ({@link io.fanlab.reports.analysis.WidthRule}), USL fits,
 * Little's law and bottleneck checks, validity warnings, all gathered in {@link io.fanlab.reports.analysis.Analysis};
 * and the run's one {@link io.fanlab.reports.analysis.Verdict} under its {@link io.fanlab.reports.analysis.Gate},
 * which the exit code, the console table, report.html and junit.xml all read.
 * Pure functions over immutable input; thread-safe.
 */
package io.fanlab.reports.analysis;
