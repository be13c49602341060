package io.fanlab.harness.cli;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.run.ForkedPointExecutor;
import io.fanlab.harness.run.InProcessPointExecutor;
import io.fanlab.harness.run.PointExecutor;
import io.fanlab.harness.run.RunDirectory;
import io.fanlab.harness.run.SweepRunner;
import io.fanlab.harness.scenario.Problem;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioException;
import io.fanlab.harness.scenario.ScenarioLoader;
import io.fanlab.harness.scenario.ScenarioOverrides;
import io.fanlab.harness.scenario.ScenarioWriter;
import io.fanlab.reports.ReportGenerator;
import io.fanlab.reports.ReportOutput;
import io.fanlab.reports.analysis.Gate;
import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.usl.UslFit;
import io.fanlab.reports.usl.UslResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fanlab}: run, validate, list, report, fit, compare, nightly, diff-profile, reproduce. */
@Command(name = "fanlab", mixinStandardHelpOptions = true, versionProvider = FanlabCli.Version.class,
        description = "Chaos and load-testing workbench for fan-out designs on the JVM.",
        subcommands = {FanlabCli.Run.class, FanlabCli.Validate.class, FanlabCli.ListCmd.class, FanlabCli.Report.class, FanlabCli.Fit.class,
                CompareCommand.class, NightlyCommand.class, DiffProfileCommand.class, Reproduce.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  every check and every gated SLO met", "  1  a gated SLO, a check or a regression failed", "  2  bad input or usage", "  3  the run itself failed",
                "  4  compare, reproduce: inconclusive (a figure moved only where the machine changed under the point)"})
public final class FanlabCli implements Callable<Integer> {

    /** {@code fanlab --version}: the build's version (the same string as {@code fanlab_version} in environment.json). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() { return new String[] {"fanlab " + io.fanlab.harness.run.Environment.fanlabVersion()}; }
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.BAD_INPUT;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new FanlabCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> ExitCodes.RUN_FAILED);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("fanlab: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try 'fanlab " + (ex.getCommandLine().getCommandName().equals("fanlab") ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (ex instanceof BadInput b) {
                for (String line : b.lines) err.println(line);
                return ExitCodes.BAD_INPUT;
            }
            err.println("fanlab: the run failed: " + (ex instanceof IOException io && io.getMessage() != null ? io.getMessage()
                    : ex instanceof java.io.UncheckedIOException u && u.getMessage() != null ? u.getMessage() : ex));
            if (System.getenv("FANLAB_DEBUG") != null) ex.printStackTrace(err);
            return ExitCodes.RUN_FAILED;
        });
        return cl.execute(args);
    }

    /** Bad input: the lines to print, exit 2, no stack trace. */
    static final class BadInput extends RuntimeException {
        final List<String> lines;
        BadInput(List<String> lines) {
            super(String.join("\n", lines), null, false, false);
            this.lines = lines;
        }
        static BadInput of(ScenarioException e) {
            List<String> lines = new ArrayList<>();
            for (Problem p : e.problems()) lines.add(p.toString());
            lines.add(e.problems().size() + " problem(s); nothing was run.");
            return new BadInput(lines);
        }
    }

    static Scenario load(Path file, Map<String, Design> designs) {
        try {
            return ScenarioLoader.load(file, designs.keySet());
        } catch (ScenarioException e) {
            throw BadInput.of(e);
        }
    }

    /**
     * {@code --classpath}: designs built elsewhere (jars or class folders), found through their
     * {@code META-INF/services/io.fanlab.harness.design.DesignProvider} like the built-in ones; forked point JVMs get
     * the same entries, and the run directory records them (absolute) so its reproduce command works.
     */
    static final class DesignClasspath {
        @Option(names = {"--classpath", "-cp"}, paramLabel = "JAR:DIR",
                description = "jars or class folders with more designs (separated by the path separator, ':' on Unix; repeatable)")
        List<String> entries = new ArrayList<>();

        /** The entries, absolute; a missing one is bad input. */
        List<Path> absolute() {
            List<String> bad = new ArrayList<>();
            List<Path> abs = new ArrayList<>();
            for (Path p : entries.stream().flatMap(e -> Stream.of(e.split(java.util.regex.Pattern.quote(java.io.File.pathSeparator))))
                    .filter(e -> !e.isBlank()).map(Path::of).toList()) {
                if (!Files.exists(p)) bad.add("--classpath: " + p + ": no such file or folder (expected: a jar or a folder of classes)");
                abs.add(p.toAbsolutePath().normalize());
            }
            if (!bad.isEmpty()) throw new BadInput(bad);
            return abs;
        }

        /** The designs on fanlab's classpath plus those on {@code --classpath}. */
        Map<String, Design> designs() {
            List<Path> abs = absolute();
            try {
                if (abs.isEmpty()) return Designs.discover();
                java.net.URL[] urls = new java.net.URL[abs.size()];
                for (int i = 0; i < urls.length; i++) urls[i] = abs.get(i).toUri().toURL();
                return Designs.discover(new java.net.URLClassLoader("fanlab-designs", urls, FanlabCli.class.getClassLoader()));
            } catch (java.net.MalformedURLException | RuntimeException | java.util.ServiceConfigurationError e) {
                throw new BadInput(List.of("designs: " + e.getMessage()));
            }
        }

        /** The command-line arguments with the {@code --classpath} values made absolute (for the reproduce command). */
        List<String> reproducible(List<String> args) {
            String sep = java.io.File.pathSeparator;
            List<String> out = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if ((a.equals("--classpath") || a.equals("-cp")) && i + 1 < args.size()) {
                    out.add(a);
                    out.add(absolutePaths(args.get(++i), sep));
                } else if (a.startsWith("--classpath=")) {
                    out.add("--classpath=" + absolutePaths(a.substring("--classpath=".length()), sep));
                } else out.add(a);
            }
            return out;
        }

        private static String absolutePaths(String value, String sep) {
            return Stream.of(value.split(java.util.regex.Pattern.quote(sep))).map(v -> Path.of(v).toAbsolutePath().normalize().toString())
                    .reduce((x, y) -> x + sep + y).orElse(value);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Run every point of a scenario's sweep (each point in its own JVM unless --in-process) and write a run directory:",
                    "scenario.resolved.yaml, environment.json, events.jsonl, points/*, results.json, report.html, junit.xml.",
                    "The exit code is the run's verdict (see the report's headline): checks gate every point; SLOs gate what the scenario's gate: names",
                    "(default: the recommended width of each design; SLOs missed at other widths are findings)."},
            footerHeading = "%nExit codes:%n", footer = {"  0  pass", "  1  a gated SLO or a check failed", "  2  bad input: nothing was run",
                    "  3  a point crashed or was aborted, or the run directory or the report could not be written"})
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO.yaml", description = "the scenario (optional with --resume)") Path scenarioFile;
        @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue the killed sweep of RUN_DIR: recorded points are kept,"
                + " the rest run; the scenario is the one recorded there (a SCENARIO.yaml or override that resolves differently is refused)") Path resume;
        @Option(names = "--out", paramLabel = "DIR", description = "parent folder of run directories (default: runs)") Path out = Path.of("runs");
        @Option(names = "--run-dir", paramLabel = "DIR", description = "exact run directory to write, new or empty; a used one is refused (default: <out>/<timestamp>-<scenario slug>[-N])") Path runDir;
        @Option(names = "--widths", paramLabel = "1,2,4", description = "override sweep.widths") String widths;
        @Option(names = "--designs", paramLabel = "a,b", description = "override sweep.designs") String designs;
        @Option(names = "--duration", paramLabel = "10s", description = "override the measured window") String duration;
        @Option(names = "--seed", paramLabel = "N", description = "override the seed") String seed;
        @Option(names = "--in-process", description = "run points in this JVM (quick runs and tests; no isolation)") boolean inProcess;
        @Option(names = "--no-report", description = "skip report.html and junit.xml") boolean noReport;
        @Option(names = "--point-jvm-opt", paramLabel = "FLAG", description = "a flag for each point's JVM, repeatable, e.g."
                + " --point-jvm-opt=-XX:+UseZGC (a collector named here replaces the default G1); recorded in the reproduce command")
        List<String> pointJvmOpts = new ArrayList<>();
        @CommandLine.Mixin DesignClasspath classpath = new DesignClasspath();
        @Option(names = "--capture", negatable = true, description = "capture JFR and async-profiler in each point's measured window"
                + " (default: the scenario's capture section; off with --in-process unless --capture)") Boolean capture;

        @Override public Integer call() throws Exception {
            PrintWriter o = spec.commandLine().getOut();
            Map<String, Design> known = classpath.designs();
            if (scenarioFile == null && resume == null) throw new BadInput(List.of("fanlab run: SCENARIO.yaml missing (expected: a scenario file, or --resume RUN_DIR)"));
            if (resume != null && runDir != null) throw new BadInput(List.of("fanlab run: --resume and --run-dir both name a run directory (expected: one of them)"));
            if (inProcess && !pointJvmOpts.isEmpty())
                throw new BadInput(List.of("fanlab run: --point-jvm-opt " + pointJvmOpts.get(0) + ": --in-process runs points in this JVM, whose flags are set"
                        + " (expected: --point-jvm-opt without --in-process, or FANLAB_JAVA_OPTS for this JVM)"));
            for (String f : pointJvmOpts)
                if (!f.startsWith("-") || f.isBlank() || f.chars().anyMatch(Character::isWhitespace))
                    throw new BadInput(List.of("fanlab run: --point-jvm-opt '" + f + "': not a JVM flag (expected: one flag starting with '-',"
                            + " e.g. --point-jvm-opt=-XX:+UseZGC; repeat the option for several)"));
            Scenario s = load(scenarioFile != null ? scenarioFile : Resume.recordedScenario(resume), known);
            try {
                s = ScenarioOverrides.parse(widths, designs, duration, seed).apply(s, known.keySet());
            } catch (ScenarioException e) {
                throw BadInput.of(e);
            }
            if (resume != null) {
                // a resumed sweep captures as its recorded points did, unless --capture/--no-capture says otherwise
                Scenario recorded = load(Resume.recordedScenario(resume), known);
                s = s.withCapture(capture == null ? recorded.capture() : captureOverride(s, capture, inProcess).capture());
                Resume.requireRecorded(resume, ScenarioWriter.toYaml(s), scenarioFile);
            } else {
                s = captureOverride(s, capture, inProcess);
            }
            String command = "scripts/fanlab " + String.join(" ", classpath.reproducible(spec.commandLine().getParseResult().originalArgs()));
            String envFlags = System.getenv("FANLAB_POINT_JVM_OPTS"); // the point JVMs' flags from the environment belong to the reproduce command too
            if (!inProcess && envFlags != null && !envFlags.isBlank()) command = "FANLAB_POINT_JVM_OPTS='" + envFlags.trim() + "' " + command;
            io.fanlab.reports.run.RunEnvironment environment = io.fanlab.harness.run.Environment.capture(command, Path.of("").toAbsolutePath())
                    .withDesignsClasspath(classpath.absolute().stream().map(Path::toString).toList())
                    .withPointJvmFlags(inProcess ? null : io.fanlab.harness.run.ForkedPointExecutor.userJvmFlags(pointJvmOpts));
            RunDirectory run;
            try {
                run = resume != null ? RunDirectory.resume(resume, Resume.pointIds(s))
                        : RunDirectory.create(out, runDir, s.name(), s.description(), ScenarioWriter.toYaml(s),
                        environment, InProcessPointExecutor.load(s), InProcessPointExecutor.sloNames(s));
            } catch (RunDirectory.InUse | RunDirectory.NotResumable e) {
                throw new BadInput(List.of("fanlab: " + e.getMessage()));
            }
            describeGate(run, s);
            PointExecutor exec = inProcess ? new InProcessPointExecutor(s, known)
                    : new ForkedPointExecutor(s.phases().total().plus(Duration.ofSeconds(90)), pointJvmOpts, classpath.absolute());
            java.io.PrintStream ps = new java.io.PrintStream(new WriterOutputStream(o), true);
            SweepRunner.SweepOutcome result = new SweepRunner(s, run, exec, ps, System.console() != null).run();
            o.println();
            Verdict verdict = null;
            List<String> summary = List.of();
            String reportLine = null;
            boolean reportFailed = false;
            if (!noReport) {
                try {
                    ReportOutput r = ReportGenerator.generate(run.dir());
                    verdict = r.verdict();
                    summary = r.summary();
                    reportLine = "report: " + r.reportHtml();
                } catch (Exception e) {
                    spec.commandLine().getErr().println("fanlab: report could not be written: " + e.getMessage() + " (results.json is complete; retry with 'fanlab report " + run.dir() + "')");
                    reportFailed = true;
                }
            }
            if (verdict == null) verdict = ReportGenerator.verdict(run.dir());
            o.print(SweepRunner.table(result.points(), verdict));
            if (reportLine != null) o.println(reportLine);
            summary.forEach(o::println);
            o.println("run directory: " + run.dir());
            if (reportFailed) return ExitCodes.RUN_FAILED;
            return verdict.exitCode();
        }
    }

    /** --no-capture: nothing; --capture: the scenario's capture, or the default one if it says none; in-process runs capture only on --capture. */
    static Scenario captureOverride(Scenario s, Boolean capture, boolean inProcess) {
        if (Boolean.FALSE.equals(capture) || (capture == null && inProcess)) return s.withCapture(io.fanlab.harness.scenario.CaptureSpec.NONE);
        if (Boolean.TRUE.equals(capture) && !s.capture().any()) return s.withCapture(io.fanlab.harness.scenario.Defaults.CAPTURE);
        return s;
    }

    /** Records what the run gates on and its compare tolerances in results.json, where the reports module reads them. */
    static void describeGate(RunDirectory run, Scenario s) throws IOException {
        var gate = new io.fanlab.reports.run.RunHeader.GateSpec(s.gate().mode().key(), s.gate().mode() == Gate.Mode.WIDTHS ? s.gate().widths() : null);
        Map<String, Double> tol = new java.util.LinkedHashMap<>();
        s.compare().byMetric().forEach((m, t) -> tol.put(m.key(), Double.isInfinite(t) ? null : t));
        run.describeGate(gate, tol);
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Check scenario files without running them; every problem printed as file:line:col: path: value (expected: rule).",
            footerHeading = "%nExit codes:%n", footer = {"  0  every file is valid", "  2  a problem was found"})
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "SCENARIO.yaml", description = "scenario files to check") List<Path> files;
        @CommandLine.Mixin DesignClasspath classpath = new DesignClasspath();

        @Override public Integer call() {
            Map<String, Design> known = classpath.designs();
            List<String> problems = new ArrayList<>();
            for (Path f : files) {
                try {
                    Scenario s = ScenarioLoader.load(f, known.keySet());
                    spec.commandLine().getOut().println(f + ": ok (" + s.name() + ", " + points(s) + " points)");
                } catch (ScenarioException e) {
                    for (Problem p : e.problems()) problems.add(p.toString());
                }
            }
            if (problems.isEmpty()) return ExitCodes.OK;
            problems.add(problems.size() + " problem(s).");
            throw new BadInput(problems);
        }
    }

    /** A design's declared capabilities, as {@code list --designs} shows them. */
    static String honours(Design d) {
        var caps = d.capabilities();
        if (caps.containsAll(java.util.EnumSet.allOf(io.fanlab.harness.design.Policy.class))) return "every scenario policy";
        if (caps.isEmpty()) return "no scenario policy declared (runs warn about each one a scenario sets)";
        return caps.stream().map(io.fanlab.harness.design.Policy::key).collect(java.util.stream.Collectors.joining(", "));
    }

    static int points(Scenario s) { return s.sweep().designs().size() * s.sweep().widths().size() * s.sweep().repeats(); }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class, description = "The scenario library (and with --designs, the designs on the classpath).")
    static final class ListCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--dir", description = "scenario folder (default: scenarios)") Path dir = Path.of("scenarios");
        @Option(names = "--designs", description = "list designs instead") boolean designs;
        @CommandLine.Mixin DesignClasspath classpath = new DesignClasspath();

        @Override public Integer call() throws IOException {
            PrintWriter o = spec.commandLine().getOut();
            Map<String, Design> known = classpath.designs();
            if (designs) {
                known.values().forEach(d -> o.printf(Locale.ROOT, "%-16s %s%n%-16s honours: %s%n", d.name(), d.description(), "", honours(d)));
                return ExitCodes.OK;
            }
            if (!Files.isDirectory(dir)) throw new BadInput(List.of(dir + ": not a folder (expected: the scenario library, e.g. scenarios/)"));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    try {
                        Scenario s = ScenarioLoader.load(f, known.keySet());
                        String d = s.description() == null ? "" : s.description().strip().lines().findFirst().orElse("");
                        o.printf(Locale.ROOT, "%-28s %3d pts ~%4ds  %s%n", f.getFileName(), points(s),
                                (long) (points(s) * (s.phases().total().toMillis() / 1000.0 + 1.5)), d);
                    } catch (ScenarioException e) {
                        o.printf(Locale.ROOT, "%-28s INVALID: %s%n", f.getFileName(), e.problems().get(0));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Re-render report.html, junit.xml and the analysis and verdict of a run directory, offline.",
                    "The exit code is the run's verdict, the one 'fanlab run' exited with (a partial or killed run: 3)."},
            footerHeading = "%nExit codes:%n", footer = {"  0  pass", "  1  a gated SLO or a check failed", "  2  bad input: not a run directory",
                    "  3  the run failed (a point crashed or was aborted, the run did not finish: partial or killed), or the report could not be written"})
    static final class Report implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a run directory written by 'fanlab run'") Path dir;

        @Override public Integer call() throws IOException {
            if (!Files.isRegularFile(dir.resolve("results.json")))
                throw new BadInput(List.of(dir + ": no results.json (expected: a run directory written by 'fanlab run')"));
            try {
                io.fanlab.reports.run.RunDirectory.read(dir);
            } catch (IOException e) { // unreadable records are bad input; a report that cannot be written is a failure (3)
                throw new BadInput(List.of(dir + ": unreadable run directory: " + e.getMessage() + " (expected: a run directory written by 'fanlab run')"));
            }
            ReportOutput r = ReportGenerator.generate(dir);
            spec.commandLine().getOut().println("report: " + r.reportHtml());
            r.summary().forEach(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().println("verdict: " + r.verdict().headline() + " -> exit " + r.verdict().exitCode());
            return r.verdict().exitCode();
        }
    }

    @Command(name = "fit", mixinStandardHelpOptions = true, versionProvider = Version.class, description = "Fit models to measurements.", subcommands = {Fit.Usl.class})
    static final class Fit implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Override public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return ExitCodes.BAD_INPUT;
        }

        @Command(name = "usl", mixinStandardHelpOptions = true, versionProvider = Version.class, description = "Fit the Universal Scalability Law to a CSV of N,throughput and print sigma, kappa, lambda, N_peak, X_max.")
        static final class Usl implements Callable<Integer> {
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0", paramLabel = "FILE.csv", description = "a CSV with a header line and N,throughput rows") Path csv;

            @Override public Integer call() {
                UslResult r;
                try {
                    r = UslFit.fitCsv(csv);
                } catch (IllegalArgumentException | IOException e) {
                    throw new BadInput(List.of(e.getMessage()));
                }
                PrintWriter o = spec.commandLine().getOut();
                o.printf(Locale.ROOT, "sigma   %.6g%nkappa   %.6g%nlambda  %.6g%nN_peak  %s%nX_max   %.6g%nR^2     %.4f%nmethod  %s%n",
                        r.sigma(), r.kappa(), r.lambda(), Double.isInfinite(r.nPeak()) ? "inf (kappa = 0: no retrograde region)" : String.format(Locale.ROOT, "%.2f", r.nPeak()),
                        r.xMax(), r.r2(), r.method());
                return ExitCodes.OK;
            }
        }
    }
}
