/**
 * The deterministic item stream: every random quantity of a run (key, tenant, per-stage cost, error and fault
 * draws, hedge and think-time draws) is a pure function of (seed, item index, stage, purpose), so every width and
 * every design sees the same input (common random numbers) and a run can be replayed bit for bit.
 *
 * <p>Contract: no state changes after construction; nothing depends on call order or on which thread asks.
 * Threading: all types are immutable and safe to share between any number of threads without synchronisation.
 */
package io.fanlab.harness.stream;
