package io.fanlab.junit;

import io.fanlab.harness.design.Design;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs a fanlab scenario: the method is a JUnit 5 test (no separate {@code @Test}); before its body
 * runs, the scenario's sweep runs against the named designs, the run directory is written under
 * {@code target/fanlab-runs/<TestClass>.<method>/}, and the test fails with the verdict (each missed SLO or check,
 * at which design and width, actual vs limit, then the table) unless every point passed. The method may take a
 * {@link FanlabResult} parameter for further assertions.
 * <pre>{@code
 * @FanlabScenario(value = "scenarios/bounded-pool.yaml", designs = "bounded-pool", widths = {2, 8})
 * void boundedPoolMeetsItsSlos(FanlabResult result) {
 *     assertThat(result.point("bounded-pool", 8).throughput()).isGreaterThan(1000);
 * }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(FanlabExtension.class)
public @interface FanlabScenario {
    /** The scenario YAML: a resource on the test classpath (e.g. {@code scenarios/x.yaml}), else a file path. */
    String value();

    /** Designs to run, by name (their providers are on the test classpath); default: the scenario's {@code sweep.designs}. */
    String[] designs() default {};

    /** Design classes to run (a {@link Design} with a public no-argument constructor), in addition to {@link #designs()}. */
    Class<? extends Design>[] designClasses() default {};

    /** Override of {@code sweep.widths}; default: the scenario's. */
    int[] widths() default {};

    /** Override of the measured window, e.g. {@code "2s"}; default: the scenario's. */
    String duration() default "";

    /** Override of the seed, e.g. {@code "7"}; default: the scenario's. */
    String seed() default "";

    /** Run points in the test JVM instead of fresh JVMs (quicker; no isolation). */
    boolean inProcess() default false;

    /** Write report.html and junit.xml into the run directory. */
    boolean report() default true;

    /** Fail before running when a design does not declare a policy the scenario uses (instead of a warning). */
    boolean requireCapabilities() default false;
}
