package io.fanlab.engine.resilience;

/**
 * How one item's attempts ended. {@code attempts} counts first attempt plus retries made (a hedge does not add one).
 *
 * @param <O> the work's output type
 */
public sealed interface AttemptOutcome<O> {
    int attempts();

    /** An attempt returned {@code value}; {@code hedgeWon} when it was the hedged duplicate. */
    record Success<O>(O value, int attempts, boolean hedgeWon) implements AttemptOutcome<O> {}

    /** The last attempt threw {@code cause} and no retry was allowed (attempts or budget exhausted). */
    record Failure<O>(Throwable cause, int attempts) implements AttemptOutcome<O> {}

    /** The last attempt timed out (and any hedge of it too) and no retry was allowed. */
    record TimedOut<O>(int attempts) implements AttemptOutcome<O> {}

    /** The item was cancelled or the calling thread interrupted; live attempts were cancelled. */
    record Cancelled<O>(int attempts) implements AttemptOutcome<O> {}
}
