package io.fanlab.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.scenario.Problem;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioException;
import io.fanlab.harness.scenario.ScenarioLoader;
import io.fanlab.reports.analysis.SweepAnalysis;
import io.fanlab.reports.analysis.Verdict;
import io.fanlab.reports.compare.CompareFiles;
import io.fanlab.reports.compare.Metric;
import io.fanlab.reports.junit.JUnitXmlWriter;
import io.fanlab.reports.nightly.History;
import io.fanlab.reports.nightly.NightlyIndexWriter;
import io.fanlab.reports.run.RunDirectory;
import io.fanlab.reports.run.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanlab nightly SUITE}: validates every scenario of a suite first (exit 2 before anything runs), runs each
 * with {@code fanlab run} (so every run option and check applies) into {@code <out>/<scenario>/}, compares each with
 * the same scenario of {@code --baseline} (a previous nightly folder), appends one line per scenario to the history
 * file, and writes {@code index.html}, one {@code junit.xml} and {@code nightly.json} into {@code <out>}.
 *
 * <h2>The self-test</h2>
 * A suite's scenario file named {@value #SELF_TEST_FILE} (in the folder, or listed in the suite file) is its
 * measurement self-test, run first: an M/M/c scenario whose points {@link io.fanlab.harness.validity.SelfTestVerdict}
 * judges against Erlang C, and whose run records the harness floor (the {@code calibration} event). This machine
 * can measure now when the self-test run exited 0, at least one of its points was judged and passed, none failed, and
 * the floor is not too high ({@link #cannotMeasure}). When it cannot, the nightly says "this machine cannot measure
 * now" (console, index.html, nightly.json, junit.xml), still runs the suite and writes each comparison's
 * compare.html, but flags no regression (the figures of a machine that cannot measure are not the code's), appends
 * nothing to the history (a change point must not learn from them), and exits 3. The self-test itself is neither
 * compared with a baseline nor appended to the history.
 *
 * <p>Exit code: 3 when a run failed (a point crashed or was aborted) or this machine cannot measure now, else 1
 * when a gated SLO, a check or a comparison with the baseline failed, else 0.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true, versionProvider = FanlabCli.Version.class,
        description = {"Run a suite of scenarios (a folder of *.yaml, or a suite file: {name: ..., scenarios: [a.yaml, b.yaml]}),",
                "compare each with the same scenario of a previous nightly (--baseline), append to the history file, and write",
                "<out>/index.html (verdicts, comparisons, trend and change point per scenario), <out>/junit.xml and <out>/nightly.json.",
                "A suite file named " + NightlyCommand.SELF_TEST_FILE + " is the measurement self-test: it runs first; when its points fail their",
                "Erlang C verdict (or none is judged) or the harness floor is too high, the nightly says 'this machine cannot measure now',",
                "flags no regression, appends nothing to the history and exits 3."},
        footerHeading = "%nExit codes:%n", footer = {"  0  every scenario passed and none regressed", "  1  a gated SLO, a check or a regression failed",
                "  2  bad input: a scenario or the suite file is invalid; nothing was run", "  3  a run failed (a point crashed or was aborted)",
                "  3  this machine cannot measure now (the self-test failed): no regression is flagged, whatever the comparisons say",
                "  3  a comparison is inconclusive (the machine changed under the points that moved) and nothing else failed"})
final class NightlyCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SUITE", description = "a folder of scenario files, or a suite file") Path suite;
    @Option(names = "--out", paramLabel = "DIR", description = "the nightly folder (default: runs/nightly-<timestamp>)") Path out;
    @Option(names = "--baseline", paramLabel = "DIR", description = "a previous nightly folder to compare with (scenarios missing there are not compared)") Path baseline;
    @Option(names = "--history", paramLabel = "FILE", description = "the JSON-lines history to append to (default: nightly-history.jsonl beside the nightly folder)") Path history;
    @Option(names = "--tolerance", paramLabel = "METRIC=SHARE,...", description = "override every scenario's compare tolerances, as in 'fanlab compare'") String tolerance;
    @Option(names = "--no-machine-check", description = "judge every change beyond noise as the code's, even where the machine changed under the point"
            + " (other processes' CPU, harness floor); default: such changes are inconclusive") boolean noMachineCheck;
    @Option(names = "--in-process", description = "run points in this JVM (tests; no isolation)") boolean inProcess;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The file name that makes a suite's scenario its measurement self-test. */
    static final String SELF_TEST_FILE = "selftest.yaml";
    static final String CANNOT_MEASURE = "this machine cannot measure now";

    @Override public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        List<Path> files = suiteFiles(suite);
        Map<String, ?> known = Designs.discover();
        List<String> problems = new ArrayList<>();
        Map<Path, Scenario> scenarios = new LinkedHashMap<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Path f : files) {
            try {
                Scenario s = ScenarioLoader.load(f, known.keySet());
                if (!names.add(s.name())) problems.add(f + ": name '" + s.name() + "' is used by another scenario of the suite (expected: unique names; each gets <out>/<name>/)");
                scenarios.put(f, s);
            } catch (ScenarioException e) {
                for (Problem p : e.problems()) problems.add(p.toString());
            }
        }
        Map<Metric, Double> overrides;
        try {
            overrides = io.fanlab.reports.compare.Tolerances.parseOverrides(tolerance);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            overrides = Map.of();
        }
        if (baseline != null && !Files.isDirectory(baseline)) problems.add(baseline + ": not a folder (expected: --baseline a previous nightly folder)");
        List<Path> selfTests = files.stream().filter(NightlyCommand::isSelfTest).toList();
        if (selfTests.size() > 1) problems.add(suite + ": " + selfTests.size() + " files named " + SELF_TEST_FILE + " " + selfTests + " (expected: at most one self-test per suite)");
        if (!problems.isEmpty()) {
            problems.add(problems.size() + " problem(s); nothing was run.");
            throw new FanlabCli.BadInput(problems);
        }
        Path selfTest = scenarios.keySet().stream().filter(NightlyCommand::isSelfTest).findFirst().orElse(null);
        if (selfTest != null) { // the self-test first: it says whether the rest can be judged
            Map<Path, Scenario> ordered = new LinkedHashMap<>();
            ordered.put(selfTest, scenarios.get(selfTest));
            ordered.putAll(scenarios);
            scenarios = ordered;
        }
        String suiteName = suiteName(suite);
        String id = "nightly-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = out != null ? out : Path.of("runs").resolve(id);
        if (out != null) id = dir.getFileName().toString();
        Files.createDirectories(dir);
        Path hist = history != null ? history : dir.toAbsolutePath().getParent().resolve("nightly-history.jsonl");
        o.printf("fanlab nightly: %s: %d scenario(s) into %s%s%n", suiteName, scenarios.size(), dir,
                baseline == null ? " (no baseline)" : ", baseline " + baseline);

        List<NightlyIndexWriter.Entry> entries = new ArrayList<>();
        List<JUnitXmlWriter.Suites> junit = new ArrayList<>();
        List<ObjectNode> lines = new ArrayList<>();
        List<String> cannotMeasure = List.of(); // reasons this machine cannot measure now; empty: it can (or no self-test)
        for (Map.Entry<Path, Scenario> e : scenarios.entrySet()) {
            Scenario s = e.getValue();
            Path runDir = dir.resolve(s.name());
            o.println();
            o.println("=== " + s.name() + " (" + e.getKey() + ")");
            List<String> args = new ArrayList<>(List.of("run", e.getKey().toString(), "--run-dir", runDir.toString()));
            if (inProcess) args.add("--in-process");
            int code = FanlabCli.execute(args.toArray(String[]::new), o, spec.commandLine().getErr());
            RunRecord run = null;
            Verdict verdict = null;
            try {
                run = RunDirectory.read(runDir);
                verdict = Verdict.of(run, SweepAnalysis.analyse(run));
            } catch (IOException ex) {
                spec.commandLine().getErr().println("fanlab nightly: " + s.name() + ": run directory unreadable: " + ex.getMessage());
            }
            if (code == ExitCodes.BAD_INPUT) code = ExitCodes.RUN_FAILED; // validated above: a 2 now means the run could not start
            if (e.getKey().equals(selfTest)) {
                cannotMeasure = run == null ? List.of("the self-test left no readable run directory (exit " + code + ")") : cannotMeasure(run, code, verdict);
                o.println(cannotMeasure.isEmpty() ? "self-test: this machine can measure now" : "self-test: " + CANNOT_MEASURE + ": " + String.join("; ", cannotMeasure));
                if (run != null) junit.add(JUnitXmlWriter.suites(run, verdict, s.name() + "."));
                var tol = s.compare().with(overrides);
                entries.add(new NightlyIndexWriter.Entry(s.name(), runDir, cannotMeasure.isEmpty() ? ExitCodes.OK : ExitCodes.RUN_FAILED, verdict, null,
                        "self-test: " + (cannotMeasure.isEmpty() ? "this machine can measure now" : CANNOT_MEASURE + ": " + String.join("; ", cannotMeasure))
                                + " (not compared, not in the history)", tol.of(Metric.THROUGHPUT), tol.of(Metric.P99)));
                continue;
            }
            io.fanlab.reports.compare.Comparison cmp = null;
            String note = null;
            Path baseRun = baseline == null ? null : baseline.resolve(s.name());
            if (baseRun == null) note = "no baseline";
            else if (!Files.isRegularFile(baseRun.resolve("results.json"))) note = "no baseline for this scenario (" + baseRun + ")";
            else if (run != null) {
                cmp = CompareFiles.write(baseRun, runDir, overrides, null, !noMachineCheck).comparison();
                if (cannotMeasure.isEmpty()) {
                    o.println("--- vs baseline " + baseRun);
                    CompareCommand.print(o, cmp);
                } else { // written for the post-mortem, not judged: the figures are this machine's, not the code's
                    note = "not judged (" + CANNOT_MEASURE + "): " + cmp.summary() + ", see compare.html";
                    o.println("--- vs baseline " + baseRun + ": " + note);
                    cmp = null;
                }
            }
            if (run != null && cannotMeasure.isEmpty()) {
                junit.add(JUnitXmlWriter.suites(run, verdict, s.name() + "."));
                lines.add(History.entry(id, run, verdict, cmp == null ? null : cmp.regressed()));
            }
            var tol = s.compare().with(overrides);
            entries.add(new NightlyIndexWriter.Entry(s.name(), runDir, code, verdict, cmp, note, tol.of(Metric.THROUGHPUT), tol.of(Metric.P99)));
        }
        if (!cannotMeasure.isEmpty()) o.println("history: nothing appended (" + CANNOT_MEASURE + ")");
        History.append(hist, lines);
        History.Read h = History.read(hist);
        // a scenario without a baseline has no regression case at all (left out rather than passed)
        Map<String, String> cases = new LinkedHashMap<>();
        for (NightlyIndexWriter.Entry en : entries) {
            if (en.comparison() != null)
                cases.put(en.scenario() + ": no regression vs baseline", en.comparison().regressed() ? "regressed: " + en.comparison().summary()
                        : en.comparison().inconclusive() ? "machine changed: inconclusive: " + en.comparison().summary() : null);
            cases.put(en.scenario() + ": run exit code", en.exitCode() == 0 ? null : "exit " + en.exitCode() + (en.verdict() == null ? "" : ": " + en.verdict().headline()));
        }
        if (selfTest != null) cases.put("self-test: this machine can measure now", cannotMeasure.isEmpty() ? null : CANNOT_MEASURE + ": " + String.join("; ", cannotMeasure));
        junit.add(JUnitXmlWriter.suite("nightly", "fanlab.nightly." + suiteName, cases));
        RunDirectory.writeAtomically(dir.resolve("junit.xml"), JUnitXmlWriter.document("fanlab nightly " + id, junit));
        String index = NightlyIndexWriter.render(suiteName, id, entries, h.entries(), dir, hist.toString());
        if (!cannotMeasure.isEmpty()) // the index writer has no banner slot: the sentence goes first in the body
            index = index.replaceFirst("<body>\n", java.util.regex.Matcher.quoteReplacement("<body>\n<p id=\"cannot-measure\" class=\"fail\">"
                    + esc(CANNOT_MEASURE + ": " + String.join("; ", cannotMeasure)) + ". No regression is flagged and nothing was appended to the history; "
                    + "rerun the nightly when the self-test passes.</p>\n"));
        RunDirectory.writeAtomically(dir.resolve("index.html"), index);

        boolean runFailed = !cannotMeasure.isEmpty() || entries.stream().anyMatch(en -> en.exitCode() == ExitCodes.RUN_FAILED);
        boolean failed = entries.stream().anyMatch(en -> en.exitCode() != ExitCodes.OK || (en.comparison() != null && en.comparison().regressed()));
        // a comparison whose changes fall where the machine changed cannot pass the nightly: like a machine that cannot measure, 3
        boolean inconclusive = entries.stream().anyMatch(en -> en.comparison() != null && en.comparison().inconclusive());
        int exit = runFailed ? ExitCodes.RUN_FAILED : failed ? ExitCodes.SLO_FAILED : inconclusive ? ExitCodes.RUN_FAILED : ExitCodes.OK;
        ObjectNode summary = JSON.createObjectNode();
        summary.put("format_version", 1).put("nightly", id).put("suite", suiteName).put("exit_code", exit)
                .put("history", hist.toString()).put("baseline", baseline == null ? null : baseline.toString());
        if (selfTest == null) summary.putNull("self_test");
        else {
            ObjectNode st = summary.putObject("self_test");
            st.put("run_dir", dir.relativize(dir.resolve(scenarios.get(selfTest).name())).toString()).put("can_measure", cannotMeasure.isEmpty())
                    .put("message", cannotMeasure.isEmpty() ? "this machine can measure now" : CANNOT_MEASURE);
            ArrayNode rs = st.putArray("reasons");
            cannotMeasure.forEach(rs::add);
        }
        ArrayNode sc = summary.putArray("scenarios");
        o.println();
        o.println("nightly " + id + ":");
        for (NightlyIndexWriter.Entry en : entries) {
            ObjectNode x = sc.addObject();
            x.put("scenario", en.scenario()).put("run_dir", dir.relativize(en.runDir()).toString()).put("exit_code", en.exitCode());
            x.put("verdict", en.verdict() == null ? null : en.verdict().headline());
            if (en.comparison() == null) x.putNull("regressed"); else x.put("regressed", en.comparison().regressed());
            x.put("compare", en.comparison() == null ? en.compareNote() : en.comparison().summary());
            ArrayNode flags = x.putArray("change_points");
            for (NightlyIndexWriter.Flag f : NightlyIndexWriter.flags(en, h.entries())) flags.add(f.describe());
            o.printf("  %-20s exit %d  %s  %s%n", en.scenario(), en.exitCode(), en.verdict() == null ? "(no verdict)" : en.verdict().headline(),
                    en.comparison() == null ? "[" + en.compareNote() + "]" : "[" + (en.comparison().regressed() ? "REGRESSED: "
                            : en.comparison().inconclusive() ? "INCONCLUSIVE (machine changed): " : "vs baseline: ") + en.comparison().summary() + "]");
            for (JsonNode f : flags) o.println("    change point: " + f.asText());
        }
        if (!cannotMeasure.isEmpty()) o.println(CANNOT_MEASURE + ": " + String.join("; ", cannotMeasure) + " (no regression flagged; exit 3)");
        RunDirectory.writeAtomically(dir.resolve("nightly.json"), JSON.writeValueAsString(summary) + "\n");
        o.println("index: " + dir.resolve("index.html"));
        o.println("junit: " + dir.resolve("junit.xml"));
        o.println("history: " + hist + (h.skipped() > 0 ? " (" + h.skipped() + " unreadable line(s) skipped)" : ""));
        o.println("exit " + exit);
        return exit;
    }

    static boolean isSelfTest(Path file) {
        return SELF_TEST_FILE.equals(file.getFileName().toString());
    }

    /**
     * Why this machine cannot measure now, judged from the self-test's run directory; empty when it can: the run
     * exited 0, at least one point carries a {@code self_test} verdict of {@code pass}, none {@code fail}, and the
     * run's {@code calibration} event (the harness floor) is not {@code too_high}. A self-test that judged no point
     * (each near saturation, or not an M/M/c system) vouches for nothing, so it counts as not passing.
     */
    static List<String> cannotMeasure(RunRecord run, int exitCode, Verdict verdict) {
        List<String> why = new ArrayList<>();
        int passed = 0;
        for (var p : run.points()) {
            var st = p.result().selfTest();
            if (st == null) continue;
            String v = st.verdict();
            if ("pass".equals(v)) passed++;
            else if ("fail".equals(v))
                why.add(String.format(java.util.Locale.ROOT, "self-test %s failed (mean response %+.1f%%, p99 %+.1f%% vs Erlang C; bounds %.0f%%, %.0f%%)", p.label(),
                        st.meanError() * 100, st.p99Error() * 100, st.meanBound() * 100, st.p99Bound() * 100));
        }
        if (passed == 0 && why.isEmpty()) why.add("the self-test judged no point (each was near saturation or not an M/M/c system), so nothing vouches for this machine");
        for (var ev : run.events()) {
            if ("calibration".equals(ev.type()) && ev.raw().path("too_high").asBoolean(false))
                why.add(String.format(java.util.Locale.ROOT, "the harness floor (null work) is %.3f ms on average, too high for the self-test's bounds", ev.raw().path("mean_ms").asDouble()));
        }
        if (exitCode != ExitCodes.OK && why.isEmpty())
            why.add("the self-test run exited " + exitCode + (verdict == null ? "" : " (" + verdict.headline() + ")"));
        return why;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The scenario files of a suite, in order; bad input when the suite is neither a folder nor a valid suite file. */
    static List<Path> suiteFiles(Path suite) throws IOException {
        if (Files.isDirectory(suite)) {
            try (Stream<Path> s = Files.list(suite)) {
                List<Path> files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
                if (files.isEmpty()) throw new FanlabCli.BadInput(List.of(suite + ": no *.yaml files (expected: a folder of scenarios or a suite file)"));
                return files;
            }
        }
        if (!Files.isRegularFile(suite)) throw new FanlabCli.BadInput(List.of(suite + ": not found (expected: a folder of scenarios or a suite file)"));
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(suite, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new FanlabCli.BadInput(List.of(suite + ": not YAML: " + e.getMessage().lines().findFirst().orElse("")));
        }
        if (!(doc instanceof Map<?, ?> m) || !(m.get("scenarios") instanceof List<?> list) || list.isEmpty())
            throw new FanlabCli.BadInput(List.of(suite + ": scenarios: missing or empty (expected: a suite file {name: ..., scenarios: [a.yaml, ...]} with paths relative to it)"));
        for (Object k : m.keySet())
            if (!"name".equals(k) && !"scenarios".equals(k))
                throw new FanlabCli.BadInput(List.of(suite + ": " + k + ": unknown key (allowed: name, scenarios)"));
        List<Path> files = new ArrayList<>();
        Path base = suite.toAbsolutePath().getParent();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String str)) throw new FanlabCli.BadInput(List.of(suite + ": scenarios[" + i + "]: " + list.get(i) + " (expected: a path)"));
            files.add(base.resolve(str).normalize());
        }
        return files;
    }

    static String suiteName(Path suite) throws IOException {
        if (Files.isRegularFile(suite)) {
            Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(suite, StandardCharsets.UTF_8));
            if (doc instanceof Map<?, ?> m && m.get("name") instanceof String n) return n;
            return suite.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        }
        return suite.toAbsolutePath().normalize().getFileName().toString();
    }
}
