/**
 * Faults on the run's timeline: what is active now ({@link io.fanlab.harness.fault.FaultState}), when it starts and
 * stops ({@link io.fanlab.harness.fault.FaultTimeline}, a pure function of the offset) and the thread that applies
 * and revokes it ({@link io.fanlab.harness.fault.FaultSchedule}).
 *
 * <p>Contract: every fault is revocable, is active only inside its window {@code [at, at + duration)} (plus the
 * scheduler's wake-up latency) and never after {@code FaultSchedule.close()}; every start and stop is reported to a
 * {@link io.fanlab.harness.fault.FaultListener} with its actual time.
 *
 * <p>Threading: {@code FaultState} is read lock-free by any worker (one volatile read per item) and written under a
 * lock by the schedule. The schedule owns one platform thread ({@code fanlab-faults}) plus the platform threads of
 * background faults ({@code fanlab-fault-gc}, {@code fanlab-fault-cpuhog-N}); all are joined by {@code close()}.
 */
package io.fanlab.harness.fault;
