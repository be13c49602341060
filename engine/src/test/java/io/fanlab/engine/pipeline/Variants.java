package io.fanlab.engine.pipeline;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.ThreadKind;

import java.util.List;
import java.util.Optional;

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
}
