package io.fanlab.harness.work;

/**
 * Where work takes its uniform draws: a pure function of (item, stage, purpose), so the same item gets the same
 * draws at every width and in every design (common random numbers). The run's item stream implements it; the
 * purpose constants equal the ordinals of the item stream's {@code Purpose} enum
 * ({@code COST, ERROR, FAULT, LATENCY, HEDGE}), so adapting it is {@code (s, st, p) -> stream.draw(s, st, Purpose.values()[p])}.
 *
 * <p>Thread-safe and allocation-free; called from worker threads.
 */
@FunctionalInterface
public interface Draws {
    /** The item's intrinsic cost: sampled through the work's distribution (for http work, the downstream delay). */
    int COST = 0;
    /** Whether the item fails in the stage: it fails iff {@code draw < errorRate + injected rate}. */
    int ERROR = 1;
    /** Whether a latency spike hits the item: it does iff {@code draw < fraction}. */
    int FAULT = 2;
    /** The downstream's own draw for http work: the answer is 503 iff {@code draw < downstream rate + injected rate}. */
    int LATENCY = 3;
    /** Reserved for hedging policies; work models do not use it. */
    int HEDGE = 4;

    /** A uniform draw in [0,1) for item {@code seq}, stage index {@code stage} and one of the purposes above. */
    double draw(long seq, int stage, int purpose);
}
