/**
 * The scenario format: YAML files that describe one experiment (load, pipeline of stages, faults, SLOs, sweep),
 * bound into immutable records.
 *
 * <p>Contract: {@link io.fanlab.harness.scenario.ScenarioLoader} either returns a fully resolved
 * {@link io.fanlab.harness.scenario.Scenario} (every default from {@link io.fanlab.harness.scenario.Defaults}
 * filled in, every rule of {@link io.fanlab.harness.scenario.ScenarioRules} holding) or throws a
 * {@link io.fanlab.harness.scenario.ScenarioException} listing every problem at {@code file:line:column}; it
 * never warns and continues, because a typo must not silently change an experiment. Each
 * {@link io.fanlab.harness.scenario.Problem} is typed where it is found (position, path, what is wrong, what is
 * allowed); record constructors report through {@link io.fanlab.engine.spec.InvalidField}; no message is parsed back.
 * {@link io.fanlab.harness.scenario.ScenarioWriter} writes the resolved form back so that it reads back equal.
 * The format is documented in {@code scenarios/README.md} and described for editors by
 * {@code scenarios/scenario.schema.json}.
 *
 * <p>Threading: the records are immutable and safe to share; the loader, writer and rules are stateless and
 * thread-safe (each load uses its own binder).
 */
package io.fanlab.harness.scenario;
