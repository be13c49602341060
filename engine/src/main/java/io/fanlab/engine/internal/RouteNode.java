package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;

import java.util.function.Predicate;

/** A diamond's split: the item goes to path {@code a} when the predicate holds, else to {@code b}. A throwing predicate fails the item. */
final class RouteNode implements Node {
    private final PipelineRuntime pipe;
    private final Predicate<Object> predicate;
    private final Node a;
    private final Node b;

    RouteNode(PipelineRuntime pipe, Predicate<Object> predicate, Node a, Node b) {
        this.pipe = pipe;
        this.predicate = predicate;
        this.a = a;
        this.b = b;
    }

    @Override
    public void accept(Envelope e) {
        boolean toA;
        try {
            toA = predicate.test(e.value);
        } catch (Throwable t) {
            pipe.terminal(e, null, Outcome.FAILED, null, t);
            return;
        }
        (toA ? a : b).accept(e);
    }
}
