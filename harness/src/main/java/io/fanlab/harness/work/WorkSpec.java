package io.fanlab.harness.work;

import io.fanlab.engine.spec.Check;
import io.fanlab.harness.dist.Distribution;

/** What one stage does with one item. The intrinsic cost of item i is drawn from (seed, i), see the item stream. */
public sealed interface WorkSpec {
    /** Busy CPU for a time drawn from {@code time}; calibrated at start so 1 ms of spec is about 1 ms of CPU. */
    record Cpu(Distribution time) implements WorkSpec {
        public Cpu { Check.notNull("cpu", time); }
    }
    /** Blocking sleep (parks the worker) for a time drawn from {@code time}. */
    record Sleep(Distribution time) implements WorkSpec {
        public Sleep { Check.notNull("sleep", time); }
    }
    /** Allocate {@code bytesPerItem} bytes (kept briefly reachable) plus CPU time drawn from {@code time}. */
    record Alloc(long bytesPerItem, Distribution time) implements WorkSpec {
        public Alloc {
            if (bytesPerItem < 0) throw new IllegalArgumentException("bytes: " + bytesPerItem + "B (expected: >= 0B)");
            Check.notNull("time", time);
        }
    }
    /** An HTTP GET to the harness's loopback downstream, which sleeps {@code latency} and may answer 503. */
    record Http(Distribution latency) implements WorkSpec {
        public Http { Check.notNull("http", latency); }
    }
}
