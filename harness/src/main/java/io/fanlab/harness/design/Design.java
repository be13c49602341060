package io.fanlab.harness.design;

import java.util.Set;

/**
 * A fan-out design the harness can drive: the reference engine in each variant, baselines, or a user's own.
 * Found through {@link java.util.ServiceLoader} as {@link DesignProvider}s; named in a scenario's
 * {@code sweep.designs}.
 */
public interface Design {
    /** Short unique name used in scenarios and results (lowercase, digits and '-'). */
    String name();

    /** One line for {@code fanlab list --designs}. */
    String description();

    /** Starts a running instance for one sweep point. The instance owns every thread it starts. */
    RunningDesign start(DesignContext context) throws Exception;

    /**
     * The scenario policies this design honours. The runner warns, for each point, about every policy the
     * scenario uses that is not declared here ("design x ignores s1.timeout, ..."); the JUnit extension can
     * refuse such a run. Default: none, so a design that says nothing is told about everything it may ignore.
     */
    default Set<Policy> capabilities() { return Set.of(); }
}
