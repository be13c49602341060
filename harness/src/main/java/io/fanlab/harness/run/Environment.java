package io.fanlab.harness.run;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fanlab.reports.run.RunEnvironment;

/** What the run ran on: written as {@code environment.json}. */
public final class Environment {
    private Environment() {}

    /** The environment of this JVM and {@code workDir}'s checkout; {@code designs_classpath} is left to the caller. */
    public static RunEnvironment capture(String command, Path workDir) {
        return new RunEnvironment(RunDirectory.FORMAT_VERSION, fanlabVersion(),
                new RunEnvironment.Jdk(System.getProperty("java.version"), System.getProperty("java.vendor"),
                        System.getProperty("java.vm.name"), System.getProperty("java.home")),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                gitRevision(workDir), hostname(), command, Instant.now().toString(), null, null);
    }

    /**
     * The harness's Maven version ({@code 0.1.0-SNAPSHOT}), from {@code io/fanlab/harness/version.properties}
     * (filled in at build time), or {@code "unknown"} when the resource is missing or unfiltered.
     */
    public static String fanlabVersion() {
        try (var in = Environment.class.getResourceAsStream("/io/fanlab/harness/version.properties")) {
            if (in == null) return "unknown";
            var p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            return v.isBlank() || v.contains("${") ? "unknown" : v.strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** {@code git rev-parse HEAD} (+ "-dirty" when the tree has changes), or "unknown" outside a checkout. */
    static String gitRevision(Path dir) {
        try {
            String rev = run(dir, List.of("git", "rev-parse", "--short=12", "HEAD"));
            if (rev == null || rev.isBlank()) return "unknown";
            String status = run(dir, List.of("git", "status", "--porcelain", "--untracked-files=no"));
            return rev.trim() + (status != null && !status.isBlank() ? "-dirty" : "");
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** How long {@code git} may take before its answer is "unknown": a hung git (a network mount, a lock) never hangs a run. */
    static final Duration GIT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Runs {@code cmd} in {@code dir}; its output, or null when it fails or takes longer than {@code timeout} (then it
     * and its descendants are killed). Output goes to a temp file, never a pipe, so a child that hangs or leaves a
     * grandchild holding the pipe cannot block the read.
     */
    static String run(Path dir, List<String> cmd, Duration timeout) throws Exception {
        Path out = Files.createTempFile("fanlab-cmd", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? Files.readString(out) : null;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String run(Path dir, List<String> cmd) throws Exception { return run(dir, cmd, GIT_TIMEOUT); }
}
