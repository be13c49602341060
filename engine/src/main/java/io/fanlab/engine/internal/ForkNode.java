package io.fanlab.engine.internal;

/**
 * A branch point: a copy of the item goes to the side path (with its own exit), the original continues on the
 * main path. The side path is fed first; each path has its own stage queues, so a slow side path holds the main
 * path back only once its own first queue is full and its overflow policy is BLOCK.
 */
final class ForkNode implements Node {
    private final PipelineRuntime pipe;
    private final String exit;
    private final Node side;
    private final Node main;

    ForkNode(PipelineRuntime pipe, String exit, Node side, Node main) {
        this.pipe = pipe;
        this.exit = exit;
        this.side = side;
        this.main = main;
    }

    @Override
    public void accept(Envelope e) {
        Envelope copy = e.forkTo(exit);
        pipe.admitFork();
        side.accept(copy);
        main.accept(e);
    }
}
