package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.Optional;

/**
 * Everything a stage is asked to do. Build with {@link #named(String)} and the {@code with*} methods; every
 * setting has an explicit default so a resolved spec can be written out in full. The engine applies every setting
 * (see {@code engine/POLICIES.md} for how the policies compose in a running stage).
 *
 * @param name          unique within a pipeline; used in metrics
 * @param width         number of workers (N). May be changed on a running stage.
 * @param threads       platform or virtual workers
 * @param queueCapacity bound of the input queue (total across shards); the stage never holds more queued items
 * @param order         unordered, or ordered with a bounded reorder window
 * @param dispatch      how items reach workers
 * @param admission     full-queue policy and queue-time deadline
 * @param onError       what a failure after retries does
 * @param timeout       per-attempt timeout; an item whose last attempt timed out ends TIMED_OUT
 * @param retry         retries with backoff, jitter and budget
 * @param hedge         hedged second attempts
 * @param limit         adaptive or fixed concurrency limit (at most {@code min(limit, width)} items in service)
 * @param rateLimit     token bucket on starting work (an item costs its weight, 1 unless the stage has a weigher)
 * @param bulkhead      per-tenant shares of the limit (of the width without a limit); tenants come from the
 *                      stage's tenant function, items without one are tenant ""

 * @param perKey        when true an item with a key always goes to the worker owning {@code hash(key) % width};
 *                      order within a key is kept
 */
public record StageSpec(String name, int width, ThreadKind threads, int queueCapacity, Order order, Dispatch dispatch,
                        Admission admission, ErrorPolicy onError, Optional<Duration> timeout, RetryPolicy retry,
                        Optional<HedgePolicy> hedge, Optional<LimitSpec> limit, Optional<RateLimit> rateLimit,
                        Optional<Bulkhead> bulkhead, boolean perKey) {

    public StageSpec {
        if (name == null || name.isBlank()) throw new InvalidField("stage", java.util.List.of("name"), "'" + name + "'", "non-empty");
        Check.atLeast("stage." + name, "width", width, 1);
        Check.notNull("stage." + name, "threads", threads);
        Check.atLeast("stage." + name, "queue", queueCapacity, 1);
        Check.notNull("stage." + name, "order", order);
        Check.notNull("stage." + name, "dispatch", dispatch);
        Check.notNull("stage." + name, "admission", admission);
        Check.notNull("stage." + name, "on_error", onError);
        timeout = timeout == null ? Optional.empty() : timeout;
        timeout.ifPresent(t -> Check.positive("stage." + name, "timeout", t));
        Check.notNull("stage." + name, "retry", retry);
        hedge = hedge == null ? Optional.empty() : hedge;
        limit = limit == null ? Optional.empty() : limit;
        rateLimit = rateLimit == null ? Optional.empty() : rateLimit;
        bulkhead = bulkhead == null ? Optional.empty() : bulkhead;
        if (perKey && !(dispatch instanceof Dispatch.SharedQueue) && !(dispatch instanceof Dispatch.Sharded))
            throw new InvalidField("stage." + name, java.util.List.of("per_key"), "true with dispatch " + dispatch,
                    "per-key stages use shard-per-worker dispatch; leave dispatch at shared or sharded");
    }

    /** Defaults: width 1, platform threads, queue 1024, unordered, shared queue, block, continue, no timeout/retry/hedge/limits. */
    public static StageSpec named(String name) {
        return new StageSpec(name, 1, ThreadKind.PLATFORM, 1024, Order.UNORDERED, Dispatch.SHARED, Admission.BLOCK,
                ErrorPolicy.CONTINUE, Optional.empty(), RetryPolicy.NONE, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false);
    }

    public StageSpec withWidth(int v) { return new StageSpec(name, v, threads, queueCapacity, order, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withThreads(ThreadKind v) { return new StageSpec(name, width, v, queueCapacity, order, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withQueueCapacity(int v) { return new StageSpec(name, width, threads, v, order, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withOrder(Order v) { return new StageSpec(name, width, threads, queueCapacity, v, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withDispatch(Dispatch v) { return new StageSpec(name, width, threads, queueCapacity, order, v, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withAdmission(Admission v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, v, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withOnError(ErrorPolicy v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, v, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withTimeout(Duration v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, Optional.ofNullable(v), retry, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withRetry(RetryPolicy v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, timeout, v, hedge, limit, rateLimit, bulkhead, perKey); }
    public StageSpec withHedge(HedgePolicy v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, timeout, retry, Optional.ofNullable(v), limit, rateLimit, bulkhead, perKey); }
    public StageSpec withLimit(LimitSpec v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, timeout, retry, hedge, Optional.ofNullable(v), rateLimit, bulkhead, perKey); }
    public StageSpec withRateLimit(RateLimit v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, timeout, retry, hedge, limit, Optional.ofNullable(v), bulkhead, perKey); }
    public StageSpec withBulkhead(Bulkhead v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, Optional.ofNullable(v), perKey); }
    public StageSpec withPerKey(boolean v) { return new StageSpec(name, width, threads, queueCapacity, order, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, v); }
}
