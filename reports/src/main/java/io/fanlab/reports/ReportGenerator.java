package io.fanlab.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.fanlab.reports.analysis.Analysis;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.html.HtmlReportWriter;
import io.fanlab.reports.junit.JUnitXmlWriter;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;

/**
 * Entry point of the reports module: reads a run directory, analyses it and writes {@code report.html},
 * {@code junit.xml} and {@code results.json} (with the {@code analysis} object added) into it.
 *
 * <p>Works on partial runs (missing results.json, missing point directories, truncated events) and on runs with
 * failed or crashed points: what is missing becomes a warning in the report. Each file is written atomically
 * (temp file + move), so a reader sees the old or the new version. Idempotent: running twice gives the same files.
 *
 * <p>Threading: one call per run directory at a time; the method holds no shared state.
 */
public final class ReportGenerator {

    private ReportGenerator() {
    }

    /**
     * Generates the report files into {@code runDir}.
     *
     * @throws IOException when the directory is missing, results.json is not valid JSON, or a file cannot be written
     */
    public static ReportOutput generate(Path runDir) throws IOException {
        RunRecord run = RunDirectory.read(runDir);
        Analysis analysis = SweepAnalysis.analyse(run);
        List<String> warnings = new ArrayList<>(analysis.warnings());
        warnings.addAll(run.readWarnings());
        analysis = new Analysis(analysis.rule(), analysis.plateauShare(), analysis.recommendations(), analysis.usl(),
            analysis.little(), analysis.bottleneck(), warnings);
        Verdict verdict = Verdict.of(run, analysis);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        var results = run.results().deepCopy();
        results.set("analysis", analysis.toJson(json));
        results.set("verdict", verdict.toJson(json));
        Path resultsFile = runDir.resolve("results.json");
        RunDirectory.writeAtomically(resultsFile, json.writeValueAsString(results) + "\n");
        Path junit = runDir.resolve("junit.xml");
        RunDirectory.writeAtomically(junit, JUnitXmlWriter.render(run, verdict));
        Path html = runDir.resolve("report.html");
        RunDirectory.writeAtomically(html, HtmlReportWriter.render(run, analysis, verdict));
        return new ReportOutput(html, junit, resultsFile, analysis.recommendations(), summary(analysis), warnings, verdict);
    }

    /**
     * The run's {@link Verdict} without writing anything (for {@code fanlab run --no-report}): the same rule the
     * report, junit.xml and the exit code use. @throws IOException as {@link #generate(Path)}
     */
    public static Verdict verdict(Path runDir) throws IOException {
        RunRecord run = RunDirectory.read(runDir);
        return Verdict.of(run, SweepAnalysis.analyse(run));
    }

    /**
     * Command-line use without the harness: {@code java io.fanlab.reports.ReportGenerator RUN_DIR...} regenerates
     * each directory and prints the paths, the recommendation per design and the warnings. Exit status 2 on an
     * unreadable directory, 64 on missing arguments.
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ReportGenerator RUN_DIR...");
            System.exit(64);
        }
        int status = 0;
        for (String a : args) {
            try {
                ReportOutput out = generate(Path.of(a));
                System.out.println(out.reportHtml());
                out.summary().forEach(s -> System.out.println("  " + s));
                out.warnings().forEach(w -> System.out.println("  warning: " + w));
            } catch (IOException | RuntimeException e) {
                System.err.println(a + ": " + e.getMessage());
                status = 2;
            }
        }
        System.exit(status);
    }

    static List<String> summary(Analysis a) {
        List<String> out = new ArrayList<>();
        for (Analysis.Recommendation r : a.recommendations()) {
            StringBuilder sb = new StringBuilder(r.design()).append(": ");
            if (r.width() == null) {
                sb.append("no recommended width (").append(r.reason()).append(')');
            } else {
                sb.append("width ").append(r.width());
                if (r.intervalLo() != null) sb.append(" (repeats ").append(r.intervalLo()).append("..").append(r.intervalHi()).append(')');
                sb.append(String.format(Locale.ROOT, ", %.0f/s at p99 %.3g ms", r.throughput(), r.p99Ms()));
            }
            a.usl().stream().filter(u -> u.design().equals(r.design())).findFirst().ifPresent(u -> {
                if (u.result() == null) sb.append("; USL: ").append(u.error());
                else sb.append(String.format(Locale.ROOT, "; USL N_peak %.3g, X_max %.4g/s", u.result().nPeak(), u.result().xMax()));
            });
            out.add(sb.toString());
        }
        return out;
    }
}
