/**
 * Analysis of a read run: the width-recommendation rule ({@link io.fanlab.reports.analysis.WidthRule}), USL fits,
 * Little's law and bottleneck checks, validity warnings, all gathered in {@link io.fanlab.reports.analysis.Analysis}.
 * Pure functions over immutable input; thread-safe.
 */
package io.fanlab.reports.analysis;
