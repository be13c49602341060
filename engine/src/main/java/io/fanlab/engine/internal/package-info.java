/**
 * The running side of the engine: stage runtime (workers, dispatch queues, reorder buffer), the pipeline graph
 * and the seams where the policy algorithms plug in. Not API: everything here may change without notice.
 *
 * <p>Where the policy packages plug in (one place each):
 * <ul>
 *   <li>{@link io.fanlab.engine.internal.ItemInvoker#forStage} — attempts of one item: with a timeout, retries or a
 *       hedge, {@link io.fanlab.engine.internal.AttemptItemInvoker} over one {@code resilience.AttemptRunner} per
 *       stage; otherwise {@link io.fanlab.engine.internal.InlineItemInvoker} (one attempt on the worker, no
 *       thread).</li>
 *   <li>{@link io.fanlab.engine.internal.StartGate#forStage} — token bucket, tenant bulkhead and concurrency limit
 *       acquired (in that order) before an item starts and released after: {@link io.fanlab.engine.internal.PolicyStartGate}
 *       when the spec has any of them, else {@link io.fanlab.engine.internal.StartGate#OPEN}.</li>
 * </ul>
 * A worker holding an item may wait at the gate (interruptibly: cancel interrupts workers); while it waits, the
 * item counts as in service for the stage's tallies but not for the limit.
 *
 * <p>Threading rules: an {@link io.fanlab.engine.internal.Envelope} is owned by exactly one holder at a time (a
 * queue, a worker's hand, a reorder slot or an emitting thread); hand-offs happen under a lock, which publishes
 * its fields. Whoever takes an envelope out of a holder decides its fate in that stage; this is what makes every
 * terminal outcome happen exactly once. Locks are {@link java.util.concurrent.locks.ReentrantLock}s (workers may
 * be virtual threads); no queue, reorder or stage lock is held while calling user code (work, key function,
 * listener, observer, predicates); only close/cancel hold the engine's shutdown lock while ending items. Waits
 * block, they never spin (two bounded exceptions: a stealing worker re-polls every 1 ms while items sit on busy
 * workers' shards, and a per-key width change polls every 0.2 ms for in-service items to finish).
 */
package io.fanlab.engine.internal;
