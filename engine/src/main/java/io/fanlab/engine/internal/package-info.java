/**
 * The running side of the engine: stages (workers, input queues, reorder buffers), the pipeline graph and the seams
 * where the policy algorithms plug in. Not API: everything here may change without notice.
 *
 * <p>The seams (one place each, each chosen once per stage by a factory):
 * <ul>
 *   <li>{@link io.fanlab.engine.internal.StageQueue#forStage} — a stage's input: the lock-free
 *       {@link io.fanlab.engine.internal.RingStageQueue} (one MPMC {@link io.fanlab.engine.internal.Ring} for every
 *       worker; SharedQueue and Batched dispatch) or the {@link io.fanlab.engine.internal.ShardedStageQueue} (a
 *       locked shard per worker; Sharded, WorkStealing and per-key stages). Both apply one
 *       {@link io.fanlab.engine.internal.OverflowDecision}, built from the sealed {@code Admission.Overflow}, and
 *       spin with {@link io.fanlab.engine.internal.SpinThenPark} before they park. The stage
 *       ({@link io.fanlab.engine.internal.StageRuntime}) keeps the bookkeeping around the queue: keys, counts,
 *       terminal outcomes, workers and width changes.</li>
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
 * <p>Ownership: an {@link io.fanlab.engine.internal.Envelope} has exactly one holder at a time (a queue, a worker's
 * hand, a reorder slot or an emitting thread). Whoever takes an envelope out of a holder decides its fate in that
 * stage; this is what makes every terminal outcome happen exactly once. How a hand-off publishes the envelope's
 * fields depends on the holder: a shard hands it over under its lock; the ring publishes a slot with a release
 * store of its sequence, read with acquire by the taker; a worker's hand is written with release stores and its
 * slots claimed with a CAS (by the worker, or by a cancel giving up on it); reorder slots are taken out with a CAS.
 * Completed items a worker holds for a run to the exit ({@link io.fanlab.engine.internal.ExitRun}, when the
 * listener takes runs) are decided per run instead: one CAS on the worker's run owner, which a cancel giving up on
 * the worker takes first before it claims the hand's slots.
 * A ring in run mode (unordered Batched stages) holds a {@code submitAll} run of envelopes in one slot, taken whole;
 * a plain stage (the head and last stage of its path, no key, deadline, observer or gate, inline work, a run
 * listener) is given {@link io.fanlab.engine.internal.RawRun}s instead: the submitted items without envelopes, in
 * an array the run owns. The worker holding a raw run decides its completed items with the same per-run CAS; an
 * item that fails or meets a cancel is claimed from the run's array by CAS (worker or canceller) and only then gets
 * an envelope.
 * The ring's wake-up and cancel handshakes look at claimed
 * slots (tail against head), not published ones, so a per-item offer needs no fence after its publication (see the
 * {@link io.fanlab.engine.internal.RingStageQueue} class notes).
 *
 * <p>Locks: {@link java.util.concurrent.locks.ReentrantLock}s only (workers may be virtual threads). The item path of
 * a ring stage takes no lock: the ring, {@link io.fanlab.engine.internal.Sleepers} (parked workers, woken with
 * unpark), the reorder buffer and the counters are lock-free; a lock is taken only to park a producer facing a full
 * ring or window, to move loop re-entries through the ring's overflow deque, and by the sharded queue (a lock per
 * shard). No queue, reorder or stage lock is held while calling user code (work, key function, listener, observer,
 * predicates); only close and cancel hold the engine's shutdown lock while ending items.
 *
 * <p>Waiting: a thread that finds nothing to do spins briefly, then parks. Bounded spins
 * ({@link io.fanlab.engine.internal.SpinThenPark}: 128 spin hints, no yields; at most one spinning worker per
 * stage): an idle ring or shard worker before it parks, a producer facing a full ring or a full reorder window
 * before it parks. Bounded polls: a stealing worker re-polls every 1 ms while items sit on busy workers' shards; a
 * sharded producer free to use any shard re-checks the others every 1 ms while its own is full; a per-key width
 * change polls every 0.2 ms for runs in service to finish; a draining close polls every 0.5 ms for the in-flight
 * count to reach 0; a fail-fast cancel polls every 0.1 ms for the failing worker to publish its thread. A taker or a
 * drain that sees a ring slot claimed but not yet published spins (yielding after 128 hints) for its publication.
 * Every other wait parks until it is signalled or unparked.
 */
package io.fanlab.engine.internal;
