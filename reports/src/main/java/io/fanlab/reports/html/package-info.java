/**
 * The self-contained HTML capacity report ({@link io.fanlab.reports.html.HtmlReportWriter}): tables rendered in Java
 * with every run-directory string HTML-escaped, charts drawn in the browser by uPlot (inlined from its WebJar, MIT)
 * from JSON specs. No network access, no CDN. Pure functions; thread-safe.
 */
package io.fanlab.reports.html;
