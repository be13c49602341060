/**
 * Scatter-gather: a request is split into k items, fanned out through a stage and joined with
 * {@link io.fanlab.engine.gather.Join} ALL, FIRST or QUORUM(q). The items a FIRST or QUORUM join no longer needs
 * (its losers) are cancelled at the join, each alone through a {@link io.fanlab.engine.pipeline.CancelToken}, unless
 * the gatherer lets them finish; either way each is counted once, as cancelled or as finished anyway.
 *
 * <p>Threading: {@link io.fanlab.engine.gather.ScatterGather} is thread-safe; a request's future completes on the
 * engine thread that ends the joining item (or on the submitting thread when items are shed at admission).
 * Units: nanoseconds of the engine's clock.
 */
package io.fanlab.engine.gather;
