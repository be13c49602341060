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
 *
 * <p>A point never outlives the sweep's JVM: when started with {@code -D}{@value #PARENT_PID_PROPERTY}, it ends
 * itself (and its own descendants) with exit {@value #PARENT_GONE_EXIT} as soon as its stdin, a pipe the sweep's
 * JVM holds, reaches end-of-file (the sweep's JVM died, even by {@code kill -9}) or that process exits.
 */
public final class PointMain {
    public static final String PROGRESS_PREFIX = "@@fanlab-progress ";
    public static final int ABORT_EXIT = 86;
    /** Exit code of a point that ended itself because the sweep's JVM was gone. */
    public static final int PARENT_GONE_EXIT = 87;
    /** System property with the pid of the sweep's JVM; set by {@link ForkedPointExecutor}. */
    public static final String PARENT_PID_PROPERTY = "fanlab.parent.pid";

    private PointMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        watchParent();
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

    /** Starts the watchers that end this JVM when the sweep's JVM is gone; nothing when not started by a sweep. */
    static void watchParent() {
        String pid = System.getProperty(PARENT_PID_PROPERTY);
        if (pid == null) return;
        Thread.ofPlatform().daemon().name("fanlab-parent-stdin").start(() -> {
            try {
                while (System.in.read() >= 0) { /* the sweep never writes; only end-of-file matters */ }
            } catch (java.io.IOException closed) {
                // a broken pipe is the same news as end-of-file
            }
            parentGone("stdin reached end-of-file");
        });
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
        if (parent.isEmpty()) parentGone("pid " + pid + " is not running");
        else parent.get().onExit().thenRun(() -> parentGone("pid " + pid + " exited"));
    }

    private static void parentGone(String why) {
        System.err.println("fanlab point: the sweep's JVM is gone (" + why + "); this point ends without a result");
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(PARENT_GONE_EXIT);
    }
}
