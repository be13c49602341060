package io.fanlab.engine.gather;

import io.fanlab.engine.spec.Check;

/** When a scattered request is done. */
public sealed interface Join {
    /** When every item has ended; satisfied when every item completed. */
    record All() implements Join {}

    /** At the first completed item; unsatisfied when every item ended without completing. */
    record First() implements Join {}

    /** When {@code q} items completed; unsatisfied as soon as fewer than {@code q} can still complete. */
    record Quorum(int q) implements Join {
        public Quorum { Check.atLeast("join.quorum", q, 1); }
    }

    Join ALL = new All();
    Join FIRST = new First();

    /** Items that must complete for the join to be satisfied, for a request of {@code k} items. */
    default int needed(int k) {
        return switch (this) {
            case All a -> k;
            case First f -> 1;
            case Quorum q -> q.q();
        };
    }
}
