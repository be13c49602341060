package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;
import io.fanlab.reports.run.RunJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs each point in a fresh JVM (JMH-style isolation: no JIT, heap or thread state leaks between widths or
 * designs; a crash or {@code System.exit} in a design ends that point, not the sweep). The child is
 * {@link PointMain}; it writes {@code point.json} itself and reports progress on stdout as lines starting with
 * {@link PointMain#PROGRESS_PREFIX}. Its other output goes to {@code points/<id>/stdout.log} and {@code stderr.log}.
 *
 * <p>A point JVM never outlives this JVM: a shutdown hook (SIGTERM, SIGINT, {@code System.exit}) kills every point
 * JVM still running and its descendants; and against {@code kill -9}, which runs no hook, the point JVM watches its
 * stdin, a pipe only this JVM holds, and ends itself at end-of-file (see {@link PointMain}).
 */
public final class ForkedPointExecutor implements PointExecutor {
    /** Point JVMs running now, killed by {@link #HOOK} if this JVM exits first. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /** Set by {@link #HOOK} before it kills {@link #LIVE}: a point started after that is killed by its starter. */
    private static volatile boolean shuttingDown;
    private static final Thread HOOK = Thread.ofPlatform().name("fanlab-kill-points").unstarted(ForkedPointExecutor::killLive);
    static {
        Runtime.getRuntime().addShutdownHook(HOOK);
    }

    private final Duration pointBudget;
    private final List<String> extraJvmFlags;
    private final List<Path> extraClasspath;

    /** @param pointBudget how long a point may take before it is killed and recorded as crashed */
    public ForkedPointExecutor(Duration pointBudget, List<String> extraJvmFlags) {
        this(pointBudget, extraJvmFlags, List.of());
    }

    /**
     * @param extraClasspath jars or class folders appended to this JVM's {@code java.class.path} in each point's
     *                       JVM (designs built elsewhere: {@code fanlab run --classpath})
     */
    public ForkedPointExecutor(Duration pointBudget, List<String> extraJvmFlags, List<Path> extraClasspath) {
        this.pointBudget = pointBudget;
        this.extraJvmFlags = List.copyOf(extraJvmFlags);
        this.extraClasspath = List.copyOf(extraClasspath);
    }

    /** The point JVM's classpath: this JVM's, then the extra entries (absolute). */
    String pointClasspath() {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        for (Path p : extraClasspath) cp.append(java.io.File.pathSeparatorChar).append(p.toAbsolutePath());
        return cp.toString();
    }

    /** A flag that selects a garbage collector ({@code -XX:+UseZGC}, {@code -XX:+UseParallelGC}, ...). */
    private static final java.util.regex.Pattern SELECTS_GC = java.util.regex.Pattern.compile("-XX:\\+Use\\w+GC");

    /**
     * The user's flags for every point's JVM: {@code FANLAB_POINT_JVM_OPTS} (split at whitespace), then
     * {@code options} ({@code fanlab run --point-jvm-opt}). Recorded in {@code environment.json} so that
     * {@code fanlab reproduce} runs under the same flags.
     */
    public static List<String> userJvmFlags(List<String> options) {
        List<String> user = new ArrayList<>();
        String env = System.getenv("FANLAB_POINT_JVM_OPTS");
        if (env != null && !env.isBlank()) user.addAll(List.of(env.trim().split("\\s+")));
        user.addAll(options);
        return user;
    }

    /**
     * JVM flags of a point's JVM: fixed heap bounds, G1, JDK-version-specific quieting flags, then the user's
     * ({@link #userJvmFlags}); later flags win where the JVM lets them. A user flag that selects another collector
     * replaces G1 (the JVM refuses two collectors): a latency scenario's tail may be the collector's pauses, so
     * users measure under theirs.
     */
    static List<String> jvmFlags(List<String> user) {
        boolean ownGc = user.stream().anyMatch(f -> SELECTS_GC.matcher(f).matches());
        List<String> flags = new ArrayList<>(List.of("-Xms256m", "-Xmx2g"));
        if (!ownGc) flags.add("-XX:+UseG1GC");
        flags.add("-XX:+EnableDynamicAgentLoading");
        if (Runtime.version().feature() >= 23) flags.add("--sun-misc-unsafe-memory-access=allow");
        flags.add("--enable-native-access=ALL-UNNAMED");
        flags.addAll(user);
        return flags;
    }

    @Override
    public PointResult execute(PointRequest req, Progress.Listener progress) throws InterruptedException {
        Path dir = req.runDir().resolve("points").resolve(req.id());
        try {
            Files.createDirectories(dir);
            Path requestFile = dir.resolve("request.json");
            RunJson.writeAtomically(requestFile, req);
            Files.deleteIfExists(dir.resolve("point.json"));
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmFlags(userJvmFlags(extraJvmFlags)));
            cmd.add("-cp");
            cmd.add(pointClasspath());
            cmd.add("-D" + PointMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
            cmd.add(PointMain.class.getName());
            cmd.add(requestFile.toString());
            // stdin stays a pipe held open by this JVM: the point reads end-of-file when this JVM is gone
            Process proc = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.log").toFile()).start();
            LIVE.add(proc);
            if (shuttingDown) { // the hook may have iterated LIVE before this add: it cannot miss both
                kill(proc);
                LIVE.remove(proc);
                return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.CRASHED,
                        "the CLI is shutting down; the point was not run");
            }
            try {
                return await(req, proc, dir, progress);
            } finally {
                kill(proc);
                LIVE.remove(proc);
            }
        } catch (IOException e) {
            return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.CRASHED,
                    "cannot start the point's JVM: " + e.getMessage());
        }
    }

    private PointResult await(PointRequest req, Process proc, Path dir, Progress.Listener progress) throws InterruptedException {
        Thread reader = Thread.ofPlatform().name("fanlab-point-stdout").daemon().start(() -> pump(proc, dir, progress));
        boolean ended = proc.waitFor(pointBudget.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            kill(proc);
            reader.join(2_000);
            return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.CRASHED,
                    "point JVM did not finish within " + pointBudget.toSeconds() + "s and was killed");
        }
        reader.join(5_000);
        int exit = proc.exitValue();
        Path pointJson = dir.resolve("point.json");
        if (exit == 0 && Files.exists(pointJson)) {
            try {
                return RunJson.readPoint(pointJson);
            } catch (IOException e) {
                return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.CRASHED,
                        pointJson + ": unreadable (" + RunJson.describe(e) + ")");
            }
        }
        if (exit == PointMain.ABORT_EXIT) {
            return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.ABORTED,
                    "abort fault killed the point's JVM (exit " + exit + ")");
        }
        return PointResult.failedPoint(req.id(), req.design(), req.width(), req.repeat(), PointResult.CRASHED,
                "point JVM exited with " + exit + describeExit(exit) + "; last lines of stderr.log: " + tail(dir.resolve("stderr.log"), 5));
    }

    /** Kills {@code proc} and its descendants (a point may start processes) and waits up to 10 s for them. */
    static void kill(Process proc) {
        List<ProcessHandle> all = new ArrayList<>(proc.descendants().toList());
        all.add(proc.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception stillRunning) {
                // nothing more to do: SIGKILL was sent
            }
        }
    }

    private static void killLive() {
        shuttingDown = true;
        for (Process p : LIVE) kill(p);
    }

    private static String describeExit(int exit) {
        return exit > 128 ? " (killed by signal " + (exit - 128) + ")" : exit == 3 ? " (the point failed)" : " (System.exit in the design?)";
    }

    private static void pump(Process proc, Path dir, Progress.Listener progress) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
             PrintStream log = new PrintStream(Files.newOutputStream(dir.resolve("stdout.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(PointMain.PROGRESS_PREFIX)) {
                    try {
                        progress.progress(RunJson.MAPPER.readValue(line.substring(PointMain.PROGRESS_PREFIX.length()), Progress.class));
                    } catch (IOException ignored) {
                        log.println(line);
                    }
                } else {
                    log.println(line);
                }
            }
        } catch (IOException ignored) {
            // the child died; its exit code tells the story
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no stderr.log)";
        }
    }
}
