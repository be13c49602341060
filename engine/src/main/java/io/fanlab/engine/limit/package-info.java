/**
 * Concurrency and rate limits for a stage: pure algorithms with time as a parameter.
 *
 * <p>Split by role, as Netflix concurrency-limits does: a {@link io.fanlab.engine.limit.Limit} decides a number from
 * samples ({@link io.fanlab.engine.limit.FixedLimit}, {@link io.fanlab.engine.limit.AimdLimit},
 * {@link io.fanlab.engine.limit.Gradient2Limit}, {@link io.fanlab.engine.limit.VegasLimit}, built by
 * {@link io.fanlab.engine.limit.Limits#of}); enforcers hand out permits:
 * {@link io.fanlab.engine.limit.AdaptiveSemaphore} (concurrency over a limit),
 * {@link io.fanlab.engine.limit.TokenBucket} (rate) and {@link io.fanlab.engine.limit.TenantBulkhead} (per-tenant
 * shares of the concurrency limit).
 *
 * <p>Time: nothing here reads the system clock. Every class takes a {@code LongSupplier} nano clock or receives
 * times in samples, and waiting goes through a {@link io.fanlab.engine.limit.Sleeper} or a
 * {@link java.util.concurrent.locks.Condition}, so tests drive them with a manual clock and exact expectations.
 *
 * <p>Threading: every public class is thread-safe. State is guarded by a
 * {@link java.util.concurrent.locks.ReentrantLock} held only for arithmetic (never while sleeping); no class uses
 * {@code synchronized}, so virtual threads waiting here never pin their carrier. Units: nanoseconds, tokens,
 * permits.
 */
package io.fanlab.engine.limit;
