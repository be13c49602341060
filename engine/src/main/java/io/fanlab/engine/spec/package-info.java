/**
 * Immutable, validated configuration of one fan-out stage: what a stage is asked to do, never how it is running.
 *
 * <p>Every record here validates in its compact constructor and fails with {@link io.fanlab.engine.spec.InvalidField}
 * (an {@link java.lang.IllegalArgumentException}) naming the field, the value and the rule
 * ({@code width: 0 (expected: >= 1)}) as typed parts, so a caller binding a file maps it to a position without
 * parsing the message. Durations are {@link java.time.Duration};
 * rates are per second; shares are fractions in [0, 1]. Records are safe to share between threads.
 */
package io.fanlab.engine.spec;
