/**
 * What a running engine tells about itself: the {@link io.fanlab.engine.observe.StageObserver} hook (per-item
 * events, default {@link io.fanlab.engine.observe.StageObserver#NOOP}), the {@link io.fanlab.engine.observe.Tally}
 * conservation record, the {@link io.fanlab.engine.observe.StageStats} snapshot, and per-stage
 * {@link io.fanlab.engine.observe.ServiceTimes} (fixed log buckets of service time, recorded by each worker in its own
 * array only while {@link io.fanlab.engine.observe.ServiceTimeSampling} is on).
 *
 * <p>Threading: snapshots are immutable records, taken at any time from any thread without stopping the engine;
 * each counter is read once, so a snapshot is not an atomic cut across counters, but a {@code Tally} always adds up
 * (see its javadoc). Observer methods are called on the engine's worker and producer threads and must not block.
 * Units: nanoseconds for durations, items for counts.
 */
package io.fanlab.engine.observe;
