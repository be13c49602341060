package io.fanlab.engine.spec;

import java.time.Duration;
import java.util.Optional;

/**
 * Hedged requests: when the first attempt has not finished after a delay, a second one starts; the first result
 * wins and the loser is cancelled (interrupted and its token set). The delay is a deadline on the engine's shared
 * timer (no thread sleeps per attempt); the hedge starts on the timer thread, and how late it started is counted
 * (the stage's {@code attempts().hedgeFireLag()}). A hedge is an attempt: it needs a free permit of the stage's
 * {@link LimitSpec limit}, if any, and is not sent without one.
 *
 * @param fixedDelay  the delay, or empty to use {@code percentile}
 * @param percentile  when {@code fixedDelay} is empty: hedge after this live percentile (0..100) of recent
 *                    successful attempt latencies, read when the primary starts (until enough samples exist, no
 *                    hedge is sent)
 * @param budget      extra attempts allowed as a share of first attempts (e.g. 0.05 = at most 5% more load)
 */
public record HedgePolicy(Optional<Duration> fixedDelay, double percentile, double budget) {
    public HedgePolicy {
        fixedDelay = fixedDelay == null ? Optional.empty() : fixedDelay;
        fixedDelay.ifPresent(d -> Check.positive("hedge", "delay", d));
        if (fixedDelay.isEmpty() && !(percentile > 0 && percentile < 100))
            throw new InvalidField("hedge", java.util.List.of("percentile"), String.valueOf(percentile), "0 < p < 100");
        Check.share("hedge", "budget", budget);
    }
}
