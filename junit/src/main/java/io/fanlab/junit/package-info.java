/**
 * fanlab inside a user's own build: run a scenario against your design from a JUnit 5 test, in the same run
 * directory format as {@code fanlab run}, and fail the build with the verdict when an SLO or a check fails.
 * <ul>
 *   <li>{@link io.fanlab.junit.FanlabScenario}: a test method annotated with a scenario on the test classpath;</li>
 *   <li>{@link io.fanlab.junit.FanlabRun}: the same from code, with a {@link io.fanlab.harness.design.Design}
 *       instance or a scenario built with {@link io.fanlab.junit.ScenarioBuilder};</li>
 *   <li>{@link io.fanlab.junit.FanlabResult}: the points, the verdict and {@code assertPassed()}.</li>
 * </ul>
 * Points run in fresh JVMs (as from the CLI) whose classpath is the test JVM's {@code java.class.path}, so they see
 * the test's classes and resources. The design contract checks are {@link io.fanlab.harness.design.contract.DesignContract}.
 * Threading: a run blocks the calling test thread until the sweep ends.
 */
package io.fanlab.junit;
