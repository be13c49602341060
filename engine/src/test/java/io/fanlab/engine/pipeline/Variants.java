package io.fanlab.engine.pipeline;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Bulkhead;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.RateLimit;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The settings every contract test runs over. */
final class Variants {
    private Variants() {}

    static final List<Dispatch> DISPATCHES = List.of(new Dispatch.SharedQueue(), new Dispatch.Sharded(), new Dispatch.WorkStealing(),
            new Dispatch.Batched(8, false), new Dispatch.Batched(8, true));
    static final List<Order> ORDERS = List.of(Order.UNORDERED, new Order.Ordered(16));
    static final List<ThreadKind> THREADS = List.of(ThreadKind.PLATFORM, ThreadKind.VIRTUAL);
    static final List<Admission> ADMISSIONS = List.of(Admission.BLOCK,
            new Admission(new Admission.Overflow.DropNewest(), Optional.empty()),
            new Admission(new Admission.Overflow.DropOldest(), Optional.empty()),
            new Admission(new Admission.Overflow.Probabilistic(0.5), Optional.empty()));

    /** A stage policy applied on top of a contract setting; {@code name} shows in the test name. */
    record Policy(String name, UnaryOperator<StageSpec> apply) {
        @Override public String toString() { return name; }
    }

    /**
     * Policies the contract suite also runs with. None of them may end an item other than as the contract test
     * expects: timeouts are far longer than any work, retries complete failing first attempts, hedges duplicate
     * work but never results, rates are high enough not to slow the suite.
     */
    static final List<Policy> POLICIES = List.of(
            new Policy("timeout+retry", s -> s.withTimeout(Duration.ofSeconds(30))
                    .withRetry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0, 1.0))),
            new Policy("retry-inline", s -> s.withRetry(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 0, 1.0))),
            new Policy("hedge", s -> s.withHedge(new HedgePolicy(Optional.of(Duration.ofMillis(1)), 0, 0.2))),
            new Policy("limit2", s -> s.withLimit(new LimitSpec.Fixed(2))),
            new Policy("aimd", s -> s.withLimit(new LimitSpec.Aimd(3, 1, 3, 0.9, Duration.ofSeconds(5)))),
            new Policy("rate+bulkhead", s -> s.withRateLimit(new RateLimit(1_000_000, 64))
                    .withBulkhead(new Bulkhead(Map.of("even", 0.5), false))));
}
