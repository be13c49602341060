package io.fanlab.engine.internal;

import io.fanlab.engine.Outcome;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A loop: items enter the body; at the body's end, an item for which {@code again} holds and that made fewer than
 * {@code maxLaps} laps goes back to the body's start with {@code back(value)}, else it leaves the loop.
 *
 * <p>Implementation notes: a loop whose stages block on full queues can deadlock (the body's last workers wait for
 * room at the start while the start's workers wait for room further on). Two rules prevent it: (1) an item going
 * back is admitted by the body's first stage even when its queue (or shard) is full, so the workers at the end of
 * the body never wait and the cycle cannot close; (2) entry into the loop takes one of {@code permits} (the
 * capacity of the body's first stage queue, blocking the upstream while the loop is full) and an item gives it
 * back when it leaves the loop or ends, so that overfill is bounded by the permits. The body's first stage must be
 * unordered: a reorder window cannot be overfilled (the builder refuses an ordered first stage).
 */
final class LoopNode {
    final PipelineRuntime pipe;
    final Semaphore permits;
    final Predicate<Object> again;
    final Function<Object, Object> back;
    final int maxLaps;
    Node body;
    Node next;

    LoopNode(PipelineRuntime pipe, int permits, Predicate<Object> again, Function<Object, Object> back, int maxLaps) {
        this.pipe = pipe;
        this.permits = new Semaphore(permits);
        this.again = again;
        this.back = back;
        this.maxLaps = maxLaps;
    }

    /** Entry into the loop. */
    final Node entry = new Node() {
        @Override
        public void accept(Envelope e) {
            try {
                while (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    if (pipe.isCancelled()) {
                        pipe.terminal(e, null, Outcome.CANCELLED, null, null);
                        return;
                    }
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                pipe.terminal(e, null, Outcome.CANCELLED, null, null);
                return;
            }
            e.loops = new Envelope.LoopHold(LoopNode.this, e.loops);
            body.accept(e);
        }
    };

    /** End of the body: go round again or leave. */
    final Node tail = new Node() {
        @Override
        public void accept(Envelope e) {
            Envelope.LoopHold hold = e.loops;
            boolean round;
            try {
                round = hold.laps < maxLaps && again.test(e.value);
                if (round) e.value = back.apply(e.value);
            } catch (Throwable t) {
                pipe.terminal(e, null, Outcome.FAILED, null, t);
                return;
            }
            if (round) {
                hold.laps++;
                e.reentry = true;
                body.accept(e);
            } else {
                e.loops = hold.outer;
                permits.release();
                next.accept(e);
            }
        }
    };
}
