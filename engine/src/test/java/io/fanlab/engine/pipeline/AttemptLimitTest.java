package io.fanlab.engine.pipeline;

import io.fanlab.engine.observe.StageStats;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: a stage's concurrency limit counts attempts, not items. With hedges (a short fixed delay, so many go
 * out) and retries (a quarter of first attempts fail) on a stage wider than its limit, the attempts whose work runs
 * at the same time never exceed the limit, and every item still ends exactly once. Work sleeps 0-2 ms (answering
 * interruption, so losers end); nothing asserted depends on speed.
 */
@Timeout(120)
class AttemptLimitTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void attemptsInFlightNeverExceedTheLimitWithHedgesAndRetries(ThreadKind threads) throws Exception {
        long hedges = 0, retries = 0, deniedByLimit = 0;
        SplittableRandom seeds = new SplittableRandom(42);
        for (int trial = 0; trial < 6; trial++) {
            long seed = seeds.nextLong();
            int limit = 1 + trial % 4;
            int width = limit + 1 + trial;
            AtomicInteger inWork = new AtomicInteger();
            AtomicInteger maxInWork = new AtomicInteger();
            String name = "attempt-limit-" + threads + "-" + trial;
            StageSpec spec = StageSpec.named(name).withWidth(width).withThreads(threads)
                    .withLimit(new LimitSpec.Fixed(limit))
                    .withHedge(new HedgePolicy(Optional.of(Duration.ofMillis(1)), 0, 1.0))
                    .withRetry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0, 1.0));
            Recorder<Integer> rec = new Recorder<>();
            FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec, (x, c) -> {
                maxInWork.accumulateAndGet(inWork.incrementAndGet(), Math::max);
                try {
                    SplittableRandom r = new SplittableRandom(seed ^ (x * 31L + c.attempt() * 7L + (c.isHedge() ? 1 : 0)));
                    Thread.sleep(0, r.nextInt(2_000_000));
                    if (c.attempt() == 0 && !c.isHedge() && r.nextInt(4) == 0) throw new IOException("first attempt failed");
                    return x;
                } finally {
                    inWork.decrementAndGet();
                }
            }).start(rec);
            List<Integer> items = IntStream.range(0, 80).boxed().toList();
            for (int i : items) engine.submit(i);
            ShutdownReport r = engine.close(Duration.ofSeconds(30));
            assertThat(r.drained()).isTrue();
            rec.assertExactlyOnce(Pipeline.MAIN_EXIT, items);
            assertThat(maxInWork.get()).as("attempts in work at once, limit %d, width %d", limit, width).isLessThanOrEqualTo(limit);
            StageStats s = engine.stage(name);
            hedges += s.hedges();
            retries += s.retries();
            deniedByLimit += s.attempts().hedgesDeniedByLimit();
            assertThat(engine.liveThreads()).as("no engine thread (workers, attempts, timer) left").isEmpty();
        }
        assertThat(hedges).as("hedges were sent").isPositive();
        assertThat(retries).as("retries were made").isPositive();
        assertThat(deniedByLimit).as("some hedges met a full limit").isPositive();
    }
}
