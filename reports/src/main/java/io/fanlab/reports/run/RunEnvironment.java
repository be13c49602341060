package io.fanlab.reports.run;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code environment.json}: what the run ran on. Written by the harness through {@link RunJson#writeAtomically} and
 * read by the reports through {@link RunJson#readEnvironment}; every field nullable (a format-1 file, or a test's
 * hand-written one, may lack any of them; readers print {@code ?}).
 *
 * @param formatVersion       {@link RunJson#FORMAT_VERSION} of the writer
 * @param fanlabVersion       the harness's build version
 * @param jdk                 the JDK that ran the harness
 * @param jvmFlags            the harness JVM's input arguments
 * @param cores               available processors
 * @param maxHeapMb           the harness JVM's max heap, MiB
 * @param os                  name, version and architecture
 * @param loadAverageAtStart  the system load average when the run started (negative where unavailable)
 * @param gitRevision         the working directory's git revision ({@code -dirty} with changes), or {@code unknown}
 * @param hostname            the host's name
 * @param command             the command line that reproduces the run
 * @param startedAt           ISO-8601 instant the run started
 * @param designsClasspath    the design jars or folders the run loaded ({@code fanlab reproduce} reuses them); absent
 *                            when not recorded
 * @param pointJvmFlags       the user's flags for every point's JVM on top of fanlab's defaults
 *                            ({@code FANLAB_POINT_JVM_OPTS}, then {@code --point-jvm-opt}; {@code fanlab reproduce}
 *                            reuses them); absent for in-process runs and runs recorded before them
 */
public record RunEnvironment(Integer formatVersion, String fanlabVersion, Jdk jdk, List<String> jvmFlags, Integer cores,
                             Long maxHeapMb, String os, Double loadAverageAtStart, String gitRevision, String hostname,
                             String command, String startedAt,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<String> designsClasspath,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<String> pointJvmFlags) {

    public RunEnvironment {
        jvmFlags = jvmFlags == null ? List.of() : List.copyOf(jvmFlags);
        designsClasspath = designsClasspath == null ? null : List.copyOf(designsClasspath);
        pointJvmFlags = pointJvmFlags == null ? null : List.copyOf(pointJvmFlags);
    }

    /** An environment.json that is missing or unreadable: every field unknown. */
    public static final RunEnvironment UNKNOWN = new RunEnvironment(null, null, null, List.of(), null, null, null, null,
        null, null, null, null, null, null);

    /**
     * The JDK.
     *
     * @param version {@code java.version}
     * @param vendor  {@code java.vendor}
     * @param vm      {@code java.vm.name}
     * @param home    {@code java.home}
     */
    public record Jdk(String version, String vendor, String vm, String home) {}

    public RunEnvironment withDesignsClasspath(List<String> cp) {
        return new RunEnvironment(formatVersion, fanlabVersion, jdk, jvmFlags, cores, maxHeapMb, os, loadAverageAtStart,
            gitRevision, hostname, command, startedAt, cp, pointJvmFlags);
    }

    public RunEnvironment withPointJvmFlags(List<String> flags) {
        return new RunEnvironment(formatVersion, fanlabVersion, jdk, jvmFlags, cores, maxHeapMb, os, loadAverageAtStart,
            gitRevision, hostname, command, startedAt, designsClasspath, flags);
    }
}
