package io.fanlab.harness.run;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the run ran on: written as {@code environment.json}. */
public final class Environment {
    private Environment() {}

    public static Map<String, Object> capture(String command, Path workDir) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("format_version", RunDirectory.FORMAT_VERSION);
        env.put("fanlab_version", fanlabVersion());
        env.put("jdk", Map.of(
                "version", System.getProperty("java.version"),
                "vendor", System.getProperty("java.vendor"),
                "vm", System.getProperty("java.vm.name"),
                "home", System.getProperty("java.home")));
        env.put("jvm_flags", ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        env.put("git_revision", gitRevision(workDir));
        env.put("hostname", hostname());
        env.put("command", command);
        env.put("started_at", Instant.now().toString());
        return env;
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
