package io.fanlab.harness.cli;

import io.fanlab.harness.run.PointRequest;
import io.fanlab.harness.scenario.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of {@code fanlab run --resume RUN_DIR}: which scenario a resumed sweep runs.
 *
 * <p>The scenario of a resumed sweep is the one recorded in the run directory ({@code scenario.resolved.yaml}, every
 * default explicit): without a SCENARIO.yaml argument that file is loaded; with one (and with any override such as
 * {@code --widths} or {@code --seed}), the scenario it resolves to must be written exactly as the recorded one, or the
 * resume is refused (exit 2) naming the first line that differs. A resumed run is one experiment: points measured
 * under another scenario, seed, duration or design list would not belong in its report.
 */
final class Resume {
    private Resume() {}

    /** {@code RUN_DIR/scenario.resolved.yaml}; bad input when the folder holds no run. */
    static Path recordedScenario(Path runDir) {
        Path f = runDir.resolve("scenario.resolved.yaml");
        if (!Files.isDirectory(runDir)) throw new FanlabCli.BadInput(List.of("--resume " + runDir + ": no such run directory (expected: the run directory of a killed 'fanlab run')"));
        if (!Files.isRegularFile(f)) throw new FanlabCli.BadInput(List.of("--resume " + runDir + ": holds no scenario.resolved.yaml (expected: the run directory of a killed 'fanlab run')"));
        return f;
    }

    /** Refuses (bad input) a resolved scenario that differs from the one recorded in {@code runDir}. */
    static void requireRecorded(Path runDir, String resolvedYaml, Path givenFile) {
        String recorded;
        try {
            recorded = Files.readString(recordedScenario(runDir), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FanlabCli.BadInput(List.of("--resume " + runDir + ": scenario.resolved.yaml unreadable (" + e.getMessage() + ")"));
        }
        if (recorded.equals(resolvedYaml)) return;
        List<String> a = recorded.lines().toList(), b = resolvedYaml.lines().toList();
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) i++;
        List<String> lines = new ArrayList<>();
        lines.add("--resume " + runDir + ": the scenario to run differs from the one recorded there"
                + (givenFile == null ? " (an override changed it)" : " (" + givenFile + " with the overrides given)")
                + "; a resumed sweep runs the recorded scenario only");
        lines.add("  scenario.resolved.yaml:" + (i + 1) + ": " + (i < a.size() ? a.get(i).strip() : "(end of file)"));
        lines.add("  to run now:" + (i + 1) + ":             " + (i < b.size() ? b.get(i).strip() : "(end of file)"));
        lines.add("expected: no SCENARIO.yaml and no overrides (the recorded scenario is used), or a new run without --resume");
        throw new FanlabCli.BadInput(lines);
    }

    /** The sweep's point ids in run order (design x width x repeat), as {@link io.fanlab.harness.run.SweepRunner} plans them. */
    static List<String> pointIds(Scenario s) {
        List<String> ids = new ArrayList<>();
        for (String design : s.sweep().designs())
            for (int width : s.sweep().widths())
                for (int r = 0; r < s.sweep().repeats(); r++) ids.add(PointRequest.idOf(design, width, r));
        return ids;
    }
}
