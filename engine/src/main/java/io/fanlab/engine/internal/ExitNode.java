package io.fanlab.engine.internal;

/** The end of a path: the item completed it. */
final class ExitNode implements Node {
    private final PipelineRuntime pipe;

    ExitNode(PipelineRuntime pipe) { this.pipe = pipe; }

    @Override public void accept(Envelope e) { pipe.terminal(e, null, io.fanlab.engine.Outcome.COMPLETED, e.value, null); }
}
