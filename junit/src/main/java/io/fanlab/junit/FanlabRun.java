package io.fanlab.junit;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.design.Policy;
import io.fanlab.harness.run.Environment;
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
import io.fanlab.harness.scenario.StageConfig;
import io.fanlab.reports.ReportGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * A scenario run from code, as {@code fanlab run} does it: load and validate, apply overrides, write a run
 * directory, run every point of the sweep (each in a fresh JVM unless {@link #inProcess()}), write the report.
 * <pre>{@code
 * FanlabRun.scenario("scenarios/bounded-pool.yaml").design(new BoundedPoolDesign()).widths(2, 8).run().assertPassed();
 * }</pre>
 *
 * <p>Designs: names of designs whose providers are on the classpath ({@link #designs}), or instances
 * ({@link #design}). A forked point JVM cannot receive an instance: it re-creates the design from its class's
 * public no-argument constructor (named to the point JVM with {@code -Dfanlab.designs}), so construct-time
 * settings must be that constructor's; otherwise run {@link #inProcess()}. When designs are given, they replace
 * the scenario's {@code sweep.designs}.
 *
 * <p>Bad input (an invalid scenario, an unknown design) throws {@link IllegalArgumentException} with every
 * problem at {@code file:line:col}; a missed SLO or check is not an exception here but
 * {@link FanlabResult#passed()} {@code == false} ({@link FanlabResult#assertPassed()} turns it into a failure).
 * Not thread-safe; one run at a time per JVM (points measure the whole JVM).
 */
public final class FanlabRun {
    /** System property: parent folder of run directories (default {@code target/fanlab-runs}). */
    public static final String RUNS_PROPERTY = "fanlab.runs";

    private final String label;
    private final Path file;
    private final String yaml;
    private final List<String> designNames = new ArrayList<>();
    private final List<Design> instances = new ArrayList<>();
    private String widths, duration, seed;
    private boolean inProcess, report = true, requireCapabilities;
    private Path runDir;
    private String command;
    private PrintStream out = System.out;

    private FanlabRun(String label, Path file, String yaml) {
        this.label = label;
        this.file = file;
        this.yaml = yaml;
    }

    /** A scenario YAML: a resource on the context class loader's classpath (e.g. {@code scenarios/x.yaml}), else a file. */
    public static FanlabRun scenario(String resourceOrFile) {
        String name = resourceOrFile.startsWith("/") && !Files.exists(Path.of(resourceOrFile)) ? resourceOrFile.substring(1) : resourceOrFile;
        URL url = Thread.currentThread().getContextClassLoader().getResource(name);
        if (url == null) {
            Path f = Path.of(resourceOrFile);
            if (!Files.isRegularFile(f))
                throw new IllegalArgumentException(resourceOrFile + ": no such resource on the test classpath nor file (expected: e.g. src/test/resources/"
                        + name + " or a path to a scenario YAML file)");
            return scenario(f);
        }
        Path asFile = null;
        try {
            if ("file".equals(url.getProtocol())) asFile = Path.of(url.toURI());
        } catch (URISyntaxException ignored) { }
        try (InputStream in = url.openStream()) {
            return new FanlabRun(name, asFile != null ? asFile : Path.of(name), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario resource " + url, e);
        }
    }

    /** A scenario YAML file. */
    public static FanlabRun scenario(Path file) {
        try {
            return new FanlabRun(file.toString(), file, Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ") (expected: a scenario YAML file)", e);
        }
    }

    /** A scenario built in code; validated by the same loader as a YAML file. */
    public static FanlabRun scenario(ScenarioBuilder builder) {
        return new FanlabRun(builder.label(), Path.of(builder.label()), builder.yaml());
    }

    /** Runs this design instance (see the class comment for how forked points re-create it). */
    public FanlabRun design(Design design) {
        instances.add(design);
        return this;
    }

    /** Runs the design class, created with its public no-argument constructor. */
    public FanlabRun designClass(Class<? extends Design> type) {
        instances.addAll(Designs.instantiate(type.getName(), type.getClassLoader()));
        return this;
    }

    /** Runs designs by name; their providers must be on the classpath. */
    public FanlabRun designs(String... names) {
        designNames.addAll(List.of(names));
        return this;
    }

    /** Overrides {@code sweep.widths}. */
    public FanlabRun widths(int... w) {
        widths = IntStream.of(w).mapToObj(String::valueOf).collect(Collectors.joining(","));
        return this;
    }

    /** Overrides the measured window, e.g. {@code "2s"}. */
    public FanlabRun duration(String d) {
        duration = d;
        return this;
    }

    public FanlabRun seed(long s) {
        seed = String.valueOf(s);
        return this;
    }

    /** Runs points in this JVM (quick, no isolation; the only way for a design instance without a no-arg constructor). */
    public FanlabRun inProcess() {
        inProcess = true;
        return this;
    }

    /** Skips report.html and junit.xml. */
    public FanlabRun noReport() {
        report = false;
        return this;
    }

    /** Fails before running when a design does not declare a policy the scenario uses. */
    public FanlabRun requireCapabilities() {
        requireCapabilities = true;
        return this;
    }

    /** The exact run directory (replaced if it holds an earlier run); default {@code target/fanlab-runs/<Class>.<method>-<scenario>}. */
    public FanlabRun runDirectory(Path dir) {
        runDir = dir;
        return this;
    }

    /** The reproduce command recorded in environment.json; default {@code mvn test -Dtest=<calling class>#<method>}. */
    public FanlabRun command(String reproduce) {
        command = reproduce;
        return this;
    }

    /** Where progress and the table go; default System.out. */
    public FanlabRun output(PrintStream stream) {
        out = stream;
        return this;
    }

    static Path runsBase() { return Path.of(System.getProperty(RUNS_PROPERTY, "target/fanlab-runs")); }

    /** Runs the sweep; blocks until it ends. */
    public FanlabResult run() {
        Map<String, Design> known = new LinkedHashMap<>(Designs.discover());
        Set<String> forkedClasses = new LinkedHashSet<>();
        for (Design d : instances) {
            Design same = known.get(d.name());
            if (same != null && same.getClass() != d.getClass())
                throw new IllegalArgumentException("design '" + d.name() + "' (" + d.getClass().getName() + ") has the name of " + same.getClass().getName()
                        + " on the classpath (expected: unique names)");
            if (same == null) forkedClasses.add(d.getClass().getName());
            known.put(d.name(), d);
        }
        Scenario s;
        try {
            s = ScenarioLoader.parse(yaml, file, known.keySet());
            List<String> names = new ArrayList<>(designNames);
            instances.forEach(d -> { if (!names.contains(d.name())) names.add(d.name()); });
            s = ScenarioOverrides.parse(widths, names.isEmpty() ? null : String.join(",", names), duration, seed).apply(s, known.keySet());
        } catch (ScenarioException e) {
            throw new IllegalArgumentException("scenario " + label + ":\n" + e.problems().stream().map(Problem::toString).collect(Collectors.joining("\n"))
                    + "\n" + e.problems().size() + " problem(s); nothing was run.", e);
        }
        if (requireCapabilities) refuseIgnoredPolicies(s, known);
        List<String> flags = new ArrayList<>();
        if (!inProcess) {
            for (Design d : instances) {
                if (!forkedClasses.contains(d.getClass().getName())) continue;
                if (!Modifier.isPublic(d.getClass().getModifiers()) || Stream.of(d.getClass().getConstructors()).noneMatch(c -> c.getParameterCount() == 0))
                    throw new IllegalArgumentException("design '" + d.name() + "' (" + d.getClass().getName() + "): a forked point JVM re-creates a design from its class,"
                            + " which needs to be public with a public no-argument constructor (expected: add one, register a DesignProvider, or run inProcess())");
            }
            if (!forkedClasses.isEmpty()) flags.add("-D" + Designs.PROPERTY + "=" + String.join(",", forkedClasses));
        }
        // the test that called run(): the first frame outside this class and the extension
        StackWalker.StackFrame caller = StackWalker.getInstance().walk(f -> f.filter(x -> !ours(x.getClassName())).findFirst()).orElse(null);
        String test = caller == null ? "fanlab" : caller.getClassName().substring(caller.getClassName().lastIndexOf('.') + 1) + "." + caller.getMethodName();
        Path dir = (runDir != null ? runDir : runsBase().resolve(test + "-" + s.name())).toAbsolutePath();
        String reproduce = command != null ? command : caller == null ? "(run from code)" : "mvn test -Dtest=" + caller.getClassName() + "#" + caller.getMethodName();
        try {
            clear(dir);
            var env = Environment.capture(reproduce, Path.of("").toAbsolutePath()).withDesignsClasspath(List.of());
            RunDirectory run = RunDirectory.create(dir.getParent(), dir, s.name(), s.description(), ScenarioWriter.toYaml(s), env,
                    InProcessPointExecutor.load(s), InProcessPointExecutor.sloNames(s));
            PointExecutor exec = inProcess ? new InProcessPointExecutor(s, known)
                    : new ForkedPointExecutor(s.phases().total().plus(Duration.ofSeconds(90)), flags);
            SweepRunner.SweepOutcome o = new SweepRunner(s, run, exec, out, false).run();
            // the one verdict the CLI's exit code, report.html and junit.xml read (the scenario's gate decides which SLOs fail the run)
            io.fanlab.reports.analysis.Verdict verdict = ReportGenerator.verdict(run.dir());
            String table = SweepRunner.table(o.points(), verdict);
            out.print(table);
            if (report) {
                try {
                    out.println("report: " + ReportGenerator.generate(run.dir()).reportHtml());
                } catch (Exception e) {
                    out.println("fanlab: report could not be written: " + e.getMessage());
                }
            }
            out.println("run directory: " + run.dir());
            return new FanlabResult(s.name(), run.dir(), o.points(), o.finished(), verdict.exitCode() == 0, table);
        } catch (IOException e) {
            throw new UncheckedIOException("fanlab: cannot write the run directory " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fanlab: interrupted while running " + label, e);
        }
    }

    private static boolean ours(String className) {
        String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
        return outer.equals(FanlabRun.class.getName()) || outer.equals(FanlabExtension.class.getName());
    }

    /** The declared-capability check of the runner's warnings, as a refusal. */
    private static void refuseIgnoredPolicies(Scenario s, Map<String, Design> known) {
        List<String> refused = new ArrayList<>();
        for (String name : s.sweep().designs()) {
            Design d = known.get(name);
            List<String> ignored = Policy.ignored(d.capabilities(), s.pipeline().stream().map(StageConfig::spec).toList());
            if (!ignored.isEmpty()) refused.add("design " + name + " would ignore " + String.join(", ", ignored) + " (declared: " + new java.util.TreeSet<>(d.capabilities()) + ")");
        }
        if (!refused.isEmpty()) throw new AssertionFailedError("fanlab: requireCapabilities: " + String.join("; ", refused) + "; nothing was run.");
    }

    /** Removes an earlier run in {@code dir}; refuses to delete a folder that is not a run directory. */
    private static void clear(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        if (!Files.exists(dir.resolve("results.json")) && !Files.exists(dir.resolve("scenario.resolved.yaml"))) {
            try (Stream<Path> l = Files.list(dir)) {
                if (l.findAny().isPresent())
                    throw new IllegalArgumentException(dir + ": exists and is not a fanlab run directory (expected: a new folder or an earlier run's)");
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
