package io.fanlab.engine.observe;

/**
 * Conservation of items in a stage or a pipeline: every item admitted is either still in flight or has ended in
 * exactly one terminal outcome, so {@code admitted == completed + failed + shed + timedOut + cancelled +
 * deadLettered + inFlight} always holds (the constructor refuses anything else).
 *
 * <p>For a stage, {@code completed} counts items that left the stage with a result (handed to the next step);
 * for a pipeline it counts items that reached an exit. A pipeline's {@code admitted} counts accepted submissions
 * plus the copies made at branch points (each copy has its own exit and its own terminal outcome).
 *
 * <p>How a consistent snapshot is taken from live counters: terminal counters are read before {@code admitted};
 * since every terminal increment happens after the matching admission increment, the derived {@code inFlight}
 * is never negative.
 */
public record Tally(long admitted, long completed, long failed, long shed, long timedOut, long cancelled,
                    long deadLettered, long inFlight) {
    public Tally {
        if (admitted < 0 || completed < 0 || failed < 0 || shed < 0 || timedOut < 0 || cancelled < 0 || deadLettered < 0 || inFlight < 0)
            throw new IllegalArgumentException("tally: " + fields(admitted, completed, failed, shed, timedOut, cancelled, deadLettered, inFlight)
                    + " (expected: every count >= 0)");
        long sum = completed + failed + shed + timedOut + cancelled + deadLettered + inFlight;
        if (sum != admitted)
            throw new IllegalArgumentException("tally.admitted: " + admitted + " (expected: == sum of terminals + inFlight = " + sum + ")");
    }

    /** Builds a tally from terminal counts, deriving {@code inFlight = admitted - terminals}. */
    public static Tally of(long admitted, long completed, long failed, long shed, long timedOut, long cancelled, long deadLettered) {
        long terminals = completed + failed + shed + timedOut + cancelled + deadLettered;
        return new Tally(admitted, completed, failed, shed, timedOut, cancelled, deadLettered, admitted - terminals);
    }

    /** Sum of the terminal counts. */
    public long terminals() { return completed + failed + shed + timedOut + cancelled + deadLettered; }

    private static String fields(long... v) { return java.util.Arrays.toString(v); }
}
