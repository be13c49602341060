package io.fanlab.engine.spec;

/** How items get from the stage's input to its workers. */
public sealed interface Dispatch {
    /** One bounded queue shared by all workers (the classic channel); a lock-free ring in the engine. */
    record SharedQueue() implements Dispatch {}
    /** One bounded queue per worker, filled round-robin; capacity is split across shards. */
    record Sharded() implements Dispatch {}
    /** Per-worker queues; an idle worker steals from the others. */
    record WorkStealing() implements Dispatch {}
    /**
     * Items move in batches through one shared queue. {@code adaptive} grows the batch up to {@code size}
     * while the queue is deep and shrinks it to 1 when the queue is shallow (latency first at low load).
     */
    record Batched(int size, boolean adaptive) implements Dispatch {
        public Batched { Check.atLeast("dispatch.batched", "size", size, 1); }
    }

    Dispatch SHARED = new SharedQueue();
}
