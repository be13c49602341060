/**
 * The work a stage does with an item: {@link io.fanlab.harness.work.WorkSpec} (the scenario's record) made real by
 * {@link io.fanlab.harness.work.WorkModels} (cpu, sleep, alloc, http), with intrinsic costs and failures taken from
 * {@link io.fanlab.harness.work.Draws} (common random numbers) and live faults from
 * {@link io.fanlab.harness.fault.FaultState}.
 *
 * <p>Contract: an item's cost and failure are a pure function of its draws and the faults active when it starts,
 * so every width and design sees the same items. Threading: work is thread-safe, runs on the calling worker and
 * starts no thread; blocking work answers interruption with {@code InterruptedException}, CPU work polls
 * {@code cancelled} about every 50 us. {@link io.fanlab.harness.work.CalibratedSpin} calibrates once per JVM.
 */
package io.fanlab.harness.work;
