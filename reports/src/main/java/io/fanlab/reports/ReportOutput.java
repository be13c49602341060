package io.fanlab.reports;

import java.nio.file.Path;
import java.util.List;

import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.Verdict;

/**
 * What {@link ReportGenerator#generate(Path)} wrote and found.
 *
 * @param reportHtml      the written {@code report.html}
 * @param junitXml        the written {@code junit.xml}
 * @param resultsJson     the rewritten {@code results.json} (with {@code analysis})
 * @param recommendations recommended width per design (width null when no width qualifies)
 * @param summary         one line per design, e.g. {@code "engine: width 8 (repeats 8..16), USL N_peak 30.8, X_max 9040/s"}
 * @param warnings        validity warnings, most important first (the same list as at the top of the report)
 * @param verdict         the run's verdict (the exit code, the report's headline and junit.xml's gate case)
 */
public record ReportOutput(Path reportHtml, Path junitXml, Path resultsJson, List<Analysis.Recommendation> recommendations,
                           List<String> summary, List<String> warnings, Verdict verdict) {

    public ReportOutput {
        recommendations = List.copyOf(recommendations);
        summary = List.copyOf(summary);
        warnings = List.copyOf(warnings);
    }
}
