package io.fanlab.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fanlab.reports.run.RunJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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
 * (in-process when the recorded command was, forked otherwise). It judges nothing itself: it prints the
 * {@code fanlab compare NEW --baseline RUN_DIR} command, whose noise-aware comparison says whether the figures agree.
 * Exit codes are those of {@code fanlab run}.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Rerun the scenario, seed, designs and widths recorded in RUN_DIR into a new run directory; prints the compare command that judges agreement.")
final class Reproduce implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_DIR") Path dir;
    @Option(names = "--out", paramLabel = "DIR", description = "parent folder of the new run directory (default: the folder holding RUN_DIR)") Path out;
    @Option(names = "--run-dir", paramLabel = "DIR", description = "exact new run directory (default: <out>/<RUN_DIR's name>-repro-<timestamp>)") Path runDir;
    @Option(names = "--in-process", description = "run points in this JVM even if the recorded run forked them") boolean inProcess;
    @Option(names = "--no-report", description = "skip report.html and junit.xml") boolean noReport;
    @Option(names = {"--classpath", "-cp"}, paramLabel = "JAR:DIR", description = "design jars or folders (default: the recorded designs_classpath)") String classpath;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path scenario = dir.resolve("scenario.resolved.yaml");
        if (!Files.isDirectory(dir)) throw new FanlabCli.BadInput(List.of(dir + ": no such run directory (expected: a run directory written by 'fanlab run')"));
        if (!Files.isRegularFile(scenario)) throw new FanlabCli.BadInput(List.of(dir + ": no scenario.resolved.yaml (expected: a run directory written by 'fanlab run')"));
        JsonNode env = readEnvironment();
        Path target = runDir != null ? runDir : (out != null ? out : parentOf(dir))
                .resolve(dir.toAbsolutePath().normalize().getFileName() + "-repro-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> args = new ArrayList<>(List.of("run", scenario.toString(), "--run-dir", target.toString()));
        String command = env.path("command").asText("");
        if (inProcess || command.contains(" --in-process")) args.add("--in-process");
        if (noReport) args.add("--no-report");
        List<String> cp = new ArrayList<>();
        if (classpath != null) cp.add(classpath);
        else env.path("designs_classpath").forEach(p -> cp.add(p.asText()));
        if (!cp.isEmpty()) {
            args.add("--classpath");
            args.add(String.join(java.io.File.pathSeparator, cp));
        }
        o.println("fanlab: reproducing " + dir + " (seed, designs, widths and phases from its scenario.resolved.yaml"
                + (env.path("git_revision").isTextual() ? "; recorded at revision " + env.path("git_revision").asText() : "") + ")");
        int code = FanlabCli.execute(args.toArray(String[]::new), o, err);
        if (code == ExitCodes.BAD_INPUT) return code;
        if (Files.isRegularFile(target.resolve("results.json"))) {
            o.println("reproduction: " + target);
            o.println("to judge whether the figures agree within noise: fanlab compare " + target + " --baseline " + dir);
        }
        return code;
    }

    private JsonNode readEnvironment() {
        Path f = dir.resolve("environment.json");
        if (!Files.isRegularFile(f)) return RunJson.MAPPER.createObjectNode();
        try {
            return RunJson.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new FanlabCli.BadInput(List.of(f + ": unreadable (" + RunJson.describe(e) + "; expected: the environment.json of 'fanlab run')"));
        }
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of(".") : parent;
    }
}
