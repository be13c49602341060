package io.fanlab.harness.cli;

import io.fanlab.reports.compare.CompareFiles;
import io.fanlab.reports.compare.Comparison;
import io.fanlab.reports.compare.Metric;
import io.fanlab.reports.compare.Tolerances;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fanlab compare RUN --baseline RUN}: regressed, improved or within noise, per point and metric. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = FanlabCli.Version.class,
        description = {"Compare a run with a baseline run, point by point (design x width): throughput (higher is better), p50, p99, p99.9 response",
                "and error rate (lower is better). With repeats on both sides a change counts when its 95%% bootstrap interval excludes zero",
                "and it exceeds the tolerance; with one repeat, when it exceeds the tolerance. Tolerances: the candidate scenario's compare:,",
                "then --tolerance. Where the machine changed under a point (the CPU other processes left in its window changed by more than",
                "10%% of itself, or the harness floor by more than 4x and 1 ms), a change is marked inconclusive instead.",
                "Writes compare.html and compare.json into the candidate run directory (or --out)."},
        footerHeading = "%nExit codes:%n", footer = {"  0  no metric regressed", "  1  a metric regressed", "  2  bad input (a folder is not a run directory, a bad --tolerance)",
                "  3  the comparison could not be written",
                "  4  inconclusive, nothing regressed: a metric moved beyond noise where the machine changed under the point, or a point had",
                "     no completed valid repeat on a side"})
final class CompareCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "the candidate run directory") Path candidate;
    @Option(names = "--baseline", required = true, paramLabel = "RUN_DIR", description = "the baseline run directory") Path baseline;
    @Option(names = "--tolerance", paramLabel = "METRIC=SHARE,...",
            description = "override tolerances, e.g. throughput=0.05,p99=0.3,p999=off (metrics: throughput, p50, p99, p999, error_rate; error_rate in absolute share)")
    String tolerance;
    @Option(names = "--no-machine-check", description = "judge every change beyond noise as the code's, even where the machine changed under the point"
            + " (other processes' CPU, harness floor); default: such changes are inconclusive") boolean noMachineCheck;
    @Option(names = "--out", paramLabel = "DIR", description = "folder for compare.html and compare.json (default: the candidate run directory)") Path out;

    @Override public Integer call() throws Exception {
        for (Path p : List.of(candidate, baseline))
            if (!Files.isRegularFile(p.resolve("results.json")))
                throw new FanlabCli.BadInput(List.of(p + ": no results.json (expected: a run directory written by 'fanlab run')"));
        Map<Metric, Double> overrides;
        try {
            overrides = Tolerances.parseOverrides(tolerance);
        } catch (IllegalArgumentException e) {
            throw new FanlabCli.BadInput(List.of(e.getMessage()));
        }
        if (out != null) Files.createDirectories(out);
        CompareFiles.Output o = CompareFiles.write(baseline, candidate, overrides, out, !noMachineCheck);
        print(spec.commandLine().getOut(), o.comparison());
        spec.commandLine().getOut().println("compare: " + o.html());
        return o.comparison().regressed() ? ExitCodes.SLO_FAILED : o.comparison().inconclusive() ? ExitCodes.INCONCLUSIVE : ExitCodes.OK;
    }

    /** The console form: one line per row that is not within noise, then the summary. */
    static void print(PrintWriter o, Comparison c) {
        for (Comparison.Row r : c.rows()) {
            if (r.mark() == Comparison.Mark.WITHIN_NOISE) continue;
            if (r.mark() == Comparison.Mark.NOT_COMPARED) {
                o.printf(Locale.ROOT, "%-10s %-14s w=%-4d %-10s (%s)%n", "NOT-COMPARED", r.design(), r.width(), r.metric().key(),
                        "offered-limited".equals(r.method()) ? "open load kept up with the offered rate on both sides: throughput is the load"
                                : Comparison.NO_VALID_REPEAT.equals(r.method()) ? "no completed valid repeat on a side" : "no data");
                continue;
            }
            o.printf(Locale.ROOT, "%-10s %-14s w=%-4d %-10s %12s -> %-12s %8s  (tolerance %s)%n", r.mark().key().toUpperCase(Locale.ROOT),
                    r.design(), r.width(), r.metric().key(), fmt(r.metric(), r.baselineMean()), fmt(r.metric(), r.candidateMean()),
                    Double.isNaN(r.change()) ? "" : String.format(Locale.ROOT, r.metric().absolute() ? "%+.2fpt" : "%+.1f%%", r.change() * 100),
                    Double.isInfinite(r.tolerance()) ? "off" : String.format(Locale.ROOT, r.metric().absolute() ? "%.2fpt" : "%.0f%%", r.tolerance() * 100));
        }
        c.notes().forEach(n -> o.println("note: " + n));
        o.println((c.regressed() ? "REGRESSED: " : c.inconclusive() ? "inconclusive: " : "no regression: ") + c.summary() + " (" + c.candidateId() + " vs baseline " + c.baselineId() + ")");
    }

    private static String fmt(Metric m, double v) {
        return switch (m) {
            case THROUGHPUT -> String.format(Locale.ROOT, "%.0f/s", v);
            case ERROR_RATE -> String.format(Locale.ROOT, "%.2f%%", v * 100);
            default -> String.format(Locale.ROOT, "%.3fms", v);
        };
    }
}
