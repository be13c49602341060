package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.Designs;
import io.fanlab.harness.scenario.Scenario;
import io.fanlab.harness.scenario.ScenarioLoader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point of a forked point JVM: {@code PointMain <request.json>}. Loads the resolved scenario from the run
 * directory, runs the point, writes {@code point.json}. Exit 0 on a recorded point (even if SLOs failed),
 * {@value #ABORT_EXIT} when an abort fault fired, 3 when the point could not be run.
 */
public final class PointMain {
    public static final String PROGRESS_PREFIX = "@@fanlab-progress ";
    public static final int ABORT_EXIT = 86;

    private PointMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        try {
            PointRequest req = RunJson.MAPPER.readValue(Path.of(args[0]).toFile(), PointRequest.class);
            Map<String, Design> designs = Designs.discover();
            Scenario scenario = ScenarioLoader.load(req.scenarioFile(), designs.keySet());
            EventLog events = new EventLog(req.runDir().resolve("events.jsonl"), req.runStartEpochMs());
            Progress.Listener progress = p -> {
                try {
                    out.println(PROGRESS_PREFIX + RunJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(p));
                } catch (Exception ignored) { }
            };
            PointResult result = new PointRunner(scenario, designs.get(req.design()), req, events, progress, () -> {
                out.flush();
                Runtime.getRuntime().halt(ABORT_EXIT);
            }).run();
            RunJson.writeAtomically(req.runDir().resolve("points").resolve(req.id()).resolve("point.json"), result);
            out.flush();
            System.exit(0);
        } catch (Throwable e) {
            System.err.println("fanlab point failed: " + e);
            e.printStackTrace();
            System.exit(3);
        }
    }
}
