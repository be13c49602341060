package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.Optional;

/**
 * What happens when an item arrives at a full queue, plus an optional queue-time deadline.
 *
 * @param overflow      the policy for a full queue
 * @param queueDeadline when present, an item that waited longer than this in the queue is shed at dequeue
 *                      instead of being worked on (it ends SHED)
 */
public record Admission(Overflow overflow, Optional<Duration> queueDeadline) {
    public Admission {
        Check.notNull("admission", "overflow", overflow);
        queueDeadline = queueDeadline == null ? Optional.empty() : queueDeadline;
        queueDeadline.ifPresent(d -> Check.positive("admission", "queue_deadline", d));
    }

    public static final Admission BLOCK = new Admission(new Overflow.Block(), Optional.empty());

    /** Full-queue policies. */
    public sealed interface Overflow {
        /** The producer waits for room (back-pressure). */
        record Block() implements Overflow {}
        /** The arriving item is shed. */
        record DropNewest() implements Overflow {}
        /** The oldest queued item is shed to make room. */
        record DropOldest() implements Overflow {}
        /**
         * Shed arriving items with probability growing with overload: 0 below {@code threshold} (queue fill share),
         * rising linearly to 1 at a full queue (RED-style early drop).
         */
        record Probabilistic(double threshold) implements Overflow {
            public Probabilistic { Check.share("admission", "threshold", threshold); }
        }
    }
}
