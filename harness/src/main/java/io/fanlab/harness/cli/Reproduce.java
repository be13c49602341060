package io.fanlab.harness.cli;

import io.fanlab.reports.compare.CompareFiles;
import io.fanlab.reports.compare.Comparison;
import io.fanlab.reports.compare.Metric;
import io.fanlab.reports.compare.Tolerances;
import io.fanlab.reports.run.RunEnvironment;
import io.fanlab.reports.run.RunJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanlab reproduce RUN_DIR}: runs the scenario recorded in a run directory again, on this machine, into a new
 * run directory: the recorded {@code scenario.resolved.yaml} (every default explicit, so the same seed, phases,
 * designs, widths and repeats; a trace by its absolute path), the recorded design classpath
 * ({@code environment.json designs_classpath}) unless {@code --classpath} is given, and the recorded point mode
 * (in-process when the recorded command was, forked otherwise). Then it judges the reproduction with the comparison
 * {@code fanlab compare NEW --baseline RUN_DIR} runs ({@link CompareFiles}: the same rows, tolerances and noise rule,
 * {@code compare.html} and {@code compare.json} written into the new run directory): the figures agree when no row
 * is marked regressed or improved. A change in either direction is a failure to reproduce.
 *
 * <p>Exit codes: 0 the figures agree within noise; 1 they do not where the machine held still; 4 they moved only where
 * the machine changed under the point ({@link io.fanlab.reports.compare.MachineCheck}): inconclusive; 2 bad input (nothing was run); 3 the rerun failed
 * (a point crashed or was aborted, or it left no results.json), so there was nothing to compare. The rerun's own SLO
 * verdict does not decide the exit code: a run that missed its SLO and a reproduction that misses it the same way agree.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, versionProvider = FanlabCli.Version.class,
        description = {"Rerun the scenario, seed, designs and widths recorded in RUN_DIR into a new run directory, then compare the new run with",
                "RUN_DIR as 'fanlab compare NEW --baseline RUN_DIR' does (compare.html and compare.json in the new run directory) and say",
                "whether the figures agree within noise: no metric regressed or improved."},
        footerHeading = "%nExit codes:%n", footer = {"  0  reproduced: the figures agree within noise", "  1  did not reproduce: a metric regressed or improved",
                "  2  bad input (not a run directory, a bad --tolerance); nothing was run",
                "  3  the rerun failed (a point crashed or was aborted, no results.json): nothing to compare",
                "  4  inconclusive: figures moved only where the machine under the point changed (other processes' CPU, harness floor),",
                "     or a point had no completed valid repeat on a side; none moved where the machine held still"})
final class Reproduce implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_DIR") Path dir;
    @Option(names = "--out", paramLabel = "DIR", description = "parent folder of the new run directory (default: the folder holding RUN_DIR)") Path out;
    @Option(names = "--run-dir", paramLabel = "DIR", description = "exact new run directory (default: <out>/<RUN_DIR's name>-repro-<timestamp>)") Path runDir;
    @Option(names = "--in-process", description = "run points in this JVM even if the recorded run forked them") boolean inProcess;
    @Option(names = "--no-report", description = "skip report.html and junit.xml") boolean noReport;
    @Option(names = "--tolerance", paramLabel = "METRIC=SHARE,...",
            description = "override the recorded scenario's compare tolerances, as in 'fanlab compare' (e.g. throughput=0.1,p999=off)") String tolerance;
    @Option(names = "--no-machine-check", description = "judge every change beyond noise as the code's, even where the machine changed under the point"
            + " (other processes' CPU, harness floor); default: such changes are inconclusive") boolean noMachineCheck;
    @Option(names = {"--classpath", "-cp"}, paramLabel = "JAR:DIR", description = "design jars or folders (default: the recorded designs_classpath)") String classpath;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path scenario = dir.resolve("scenario.resolved.yaml");
        if (!Files.isDirectory(dir)) throw new FanlabCli.BadInput(List.of(dir + ": no such run directory (expected: a run directory written by 'fanlab run')"));
        if (!Files.isRegularFile(scenario)) throw new FanlabCli.BadInput(List.of(dir + ": no scenario.resolved.yaml (expected: a run directory written by 'fanlab run')"));
        Map<Metric, Double> overrides;
        try {
            overrides = Tolerances.parseOverrides(tolerance);
        } catch (IllegalArgumentException e) {
            throw new FanlabCli.BadInput(List.of(e.getMessage()));
        }
        RunEnvironment env = readEnvironment();
        Path target = runDir != null ? runDir : (out != null ? out : parentOf(dir))
                .resolve(dir.toAbsolutePath().normalize().getFileName() + "-repro-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> args = new ArrayList<>(List.of("run", scenario.toString(), "--run-dir", target.toString()));
        String command = env.command() == null ? "" : env.command();
        boolean rerunInProcess = inProcess || command.contains(" --in-process");
        if (rerunInProcess) args.add("--in-process");
        // the recorded point JVM flags (a collector, a heap) shape the figures: a forked rerun uses them again
        else if (env.pointJvmFlags() != null) env.pointJvmFlags().forEach(f -> args.add("--point-jvm-opt=" + f));
        if (noReport) args.add("--no-report");
        List<String> cp = new ArrayList<>();
        if (classpath != null) cp.add(classpath);
        else if (env.designsClasspath() != null) cp.addAll(env.designsClasspath());
        if (!cp.isEmpty()) {
            args.add("--classpath");
            args.add(String.join(java.io.File.pathSeparator, cp));
        }
        o.println("fanlab: reproducing " + dir + " (seed, designs, widths and phases from its scenario.resolved.yaml"
                + (env.gitRevision() != null ? "; recorded at revision " + env.gitRevision() : "") + ")");
        int code = FanlabCli.execute(args.toArray(String[]::new), o, err);
        if (code == ExitCodes.BAD_INPUT) return code;
        if (code == ExitCodes.RUN_FAILED || !Files.isRegularFile(target.resolve("results.json"))) {
            err.println("fanlab reproduce: the rerun failed (exit " + code + "); nothing to compare with " + dir);
            return ExitCodes.RUN_FAILED;
        }
        o.println("reproduction: " + target);
        CompareFiles.Output cmp;
        try {
            cmp = CompareFiles.write(dir, target, overrides, null, !noMachineCheck);
        } catch (IOException e) {
            err.println("fanlab reproduce: cannot compare " + target + " with " + dir + ": " + RunJson.describe(e));
            return ExitCodes.RUN_FAILED;
        }
        Comparison c = cmp.comparison();
        CompareCommand.print(o, c);
        o.println("compare: " + cmp.html() + " (the same as: fanlab compare " + target + " --baseline " + dir + ")");
        List<String> moved = disagreements(c);
        if (moved.isEmpty() && c.inconclusive()) {
            o.println("inconclusive: " + String.join("; ", inconclusive(c))
                    + " (the figures cannot say whether the run reproduces; rerun on a quiet machine)");
            return ExitCodes.INCONCLUSIVE;
        }
        if (moved.isEmpty()) {
            o.println("reproduced: the figures agree within noise (" + c.summary() + ")");
            return ExitCodes.OK;
        }
        o.println("did not reproduce: " + String.join("; ", moved));
        return ExitCodes.SLO_FAILED;
    }

    /** The rows that moved beyond noise, either way, as {@code "engine w=4 throughput regressed (-31.0%)"}. */
    static List<String> disagreements(Comparison c) {
        List<String> out = new ArrayList<>();
        for (Comparison.Row r : c.rows()) {
            if (r.mark() != Comparison.Mark.REGRESSED && r.mark() != Comparison.Mark.IMPROVED) continue;
            String change = Double.isNaN(r.change()) ? "" : String.format(java.util.Locale.ROOT, r.metric().absolute() ? " (%+.2fpt)" : " (%+.1f%%)", r.change() * 100);
            out.add(r.design() + " w=" + r.width() + " " + r.metric().key() + " " + r.mark().key() + change);
        }
        return out;
    }

    /**
     * Why the comparison is inconclusive: {@code "engine w=2 throughput (-31.0%) moved where the machine changed"} per
     * row, {@code "engine w=8: no completed valid repeat on a side"} per point.
     */
    static List<String> inconclusive(Comparison c) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> invalid = new java.util.LinkedHashSet<>();
        for (Comparison.Row r : c.rows()) {
            if (Comparison.NO_VALID_REPEAT.equals(r.method())) invalid.add(r.design() + " w=" + r.width() + ": no completed valid repeat on a side");
            if (r.mark() != Comparison.Mark.INCONCLUSIVE) continue;
            String change = Double.isNaN(r.change()) ? "" : String.format(java.util.Locale.ROOT, r.metric().absolute() ? " (%+.2fpt)" : " (%+.1f%%)", r.change() * 100);
            out.add(r.design() + " w=" + r.width() + " " + r.metric().key() + change + " moved where the machine changed");
        }
        out.addAll(invalid);
        return out;
    }

    private RunEnvironment readEnvironment() {
        Path f = dir.resolve("environment.json");
        if (!Files.isRegularFile(f)) return RunEnvironment.UNKNOWN;
        try {
            return RunJson.readEnvironment(f);
        } catch (IOException e) {
            throw new FanlabCli.BadInput(List.of(f + ": unreadable (" + RunJson.describe(e) + "; expected: the environment.json of 'fanlab run')"));
        }
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of(".") : parent;
    }
}
