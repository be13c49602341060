package io.fanlab.reports.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.fanlab.reports.html.CompareReportWriter;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;

/**
 * Reads two run directories, compares them ({@link RunComparison}) and writes {@code compare.html} and
 * {@code compare.json} into a folder (by default the candidate's run directory). Tolerances: the candidate's
 * {@code results.json} {@code compare_tolerances} (the scenario's {@code compare:}), then {@code overrides}.
 */
public final class CompareFiles {

    private CompareFiles() {
    }

    /** What was compared and where it was written. */
    public record Output(Comparison comparison, Path html, Path json) {
    }

    /** @throws IOException when a directory is missing or unreadable, or a file cannot be written */
    public static Output write(Path baselineDir, Path candidateDir, Map<Metric, Double> overrides, Path outDir) throws IOException {
        return write(baselineDir, candidateDir, overrides, outDir, true);
    }

    /** As {@link #write(Path, Path, Map, Path)}; {@code machineCheck} false skips {@link MachineCheck}. */
    public static Output write(Path baselineDir, Path candidateDir, Map<Metric, Double> overrides, Path outDir, boolean machineCheck) throws IOException {
        RunRecord base = RunDirectory.read(baselineDir);
        RunRecord cand = RunDirectory.read(candidateDir);
        Tolerances tol = Tolerances.of(cand.header().compareTolerances()).with(overrides);
        Comparison c = RunComparison.compare(base, cand, tol, machineCheck);
        Path out = outDir == null ? candidateDir : outDir;
        Path html = out.resolve("compare.html");
        Path json = out.resolve("compare.json");
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        RunDirectory.writeAtomically(json, m.writeValueAsString(c.toJson(m)) + "\n");
        RunDirectory.writeAtomically(html, CompareReportWriter.render(c, rel(out, baselineDir.resolve("report.html")),
            rel(out, candidateDir.resolve("report.html"))));
        return new Output(c, html, json);
    }

    private static String rel(Path from, Path to) {
        try {
            return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return to.toAbsolutePath().toString();
        }
    }
}
