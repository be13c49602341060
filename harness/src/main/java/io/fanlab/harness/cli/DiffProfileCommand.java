package io.fanlab.harness.cli;

import io.fanlab.reports.profile.CollapsedStacks;
import io.fanlab.reports.profile.ProfileDiff;
import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanlab diff-profile RUN wA wB}: the frames whose share of the profile changed most between two widths of a
 * run (from the points' collapsed stacks), as a text table, or a self-contained HTML page with {@code --html}.
 * Bad input (no such run, width, design or profile) exits 2 with what is there.
 */
@Command(name = "diff-profile", mixinStandardHelpOptions = true, versionProvider = FanlabCli.Version.class,
        description = "Compare two widths' profiles of a run: the frames whose share changed most.",
        footerHeading = "%nExit codes:%n", footer = {"  0  the table or page was written", "  2  bad input: no such run, width, design or profile",
                "  3  a file could not be read or written"})
final class DiffProfileCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_DIR") Path dir;
    @Parameters(index = "1", paramLabel = "WIDTH_A") int widthA;
    @Parameters(index = "2", paramLabel = "WIDTH_B") int widthB;
    @Option(names = "--design", paramLabel = "NAME", description = "design (default: the run's only or first design)") String design;
    @Option(names = "--event", paramLabel = "EVENT", description = "profile event: cpu, itimer, wall, alloc, lock (default: cpu)") String event = "cpu";
    @Option(names = "--repeat", paramLabel = "N", description = "repeat index (default: 0)") int repeat;
    @Option(names = "--top", paramLabel = "N", description = "rows (default: 25)") int top = 25;
    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML page instead of printing a table") Path html;

    @Override public Integer call() throws IOException {
        List<PointResult> points = points(dir);
        TreeSet<String> designs = new TreeSet<>();
        points.forEach(p -> designs.add(p.design()));
        String d = design != null ? design : points.get(0).design();
        if (!designs.contains(d)) throw new FanlabCli.BadInput(List.of("--design: " + d + " (expected: one of " + designs + ")"));
        Path a = collapsed(points, d, widthA), b = collapsed(points, d, widthB);
        ProfileDiff diff = ProfileDiff.of("width " + widthA, CollapsedStacks.read(a), "width " + widthB, CollapsedStacks.read(b));
        if (html != null) {
            Files.writeString(html, diff.html(d + " " + event + ": width " + widthA + " vs " + widthB + " (" + dir.getFileName() + ")", top));
            spec.commandLine().getOut().println("diff: " + html);
        } else {
            spec.commandLine().getOut().print(diff.table(top));
        }
        return ExitCodes.OK;
    }

    private List<PointResult> points(Path run) throws IOException {
        Path pts = run.resolve("points");
        if (!Files.isDirectory(pts)) throw new FanlabCli.BadInput(List.of(run + ": no points/ (expected: a run directory written by 'fanlab run')"));
        List<PointResult> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(pts)) {
            for (Path p : s.sorted().toList()) {
                Path f = p.resolve("point.json");
                if (Files.isRegularFile(f)) out.add(RunJson.readPoint(f));
            }
        }
        if (out.isEmpty()) throw new FanlabCli.BadInput(List.of(run + ": no point.json under points/"));
        return out;
    }

    private Path collapsed(List<PointResult> points, String d, int width) {
        TreeSet<Integer> widths = new TreeSet<>();
        for (PointResult p : points) {
            if (!p.design().equals(d)) continue;
            widths.add(p.width());
            if (p.width() != width || p.repeat() != repeat) continue;
            if (p.capture() == null) throw new FanlabCli.BadInput(List.of(p.id() + ": no capture (the run had capture: none, --no-capture or --in-process)"));
            List<String> events = new ArrayList<>();
            for (PointResult.Profile pr : p.capture().profiles()) {
                events.add(pr.event());
                if (pr.event().equals(event)) return dir.resolve("points").resolve(p.id()).resolve(pr.collapsed());
            }
            throw new FanlabCli.BadInput(List.of("--event: " + event + " (expected: one of the point's profiles " + events + ")"));
        }
        throw new FanlabCli.BadInput(List.of("width: " + width + " (expected: one of " + widths + " for design " + d + ", repeat " + repeat + ")"));
    }
}
