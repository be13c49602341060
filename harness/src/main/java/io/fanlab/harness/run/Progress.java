package io.fanlab.harness.run;

/** Live progress of a point, about once a second; rendered by the sweep (one line per update or in place on a TTY). */
public record Progress(String pointId, double elapsedS, double totalS, String phase, double throughput, double p99Ms, long inflight) {

    /** Receives progress; must not block for long. */
    @FunctionalInterface
    public interface Listener {
        void progress(Progress p);
        Listener NONE = p -> {};
    }
}
