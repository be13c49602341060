package io.fanlab.engine.resilience;

import io.fanlab.engine.WorkContext;
import io.fanlab.engine.limit.Sleeper;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.RetryPolicy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property under load: many items from concurrent callers, with work that succeeds, fails, is slow or hangs
 * until interrupted, all end in exactly one outcome, the ledger adds up with the outcomes, and no attempt thread is
 * left behind.
 */
@Tag("slow")
class AttemptRunnerStressTest {

    @Test
    void everyItemEndsOnceAndTheLedgerAddsUp() throws Exception {
        var ledger = new AttemptLedger();
        var runner = new AttemptRunner(Optional.of(Duration.ofMillis(20)),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4), 0.5, 0.5),
                Optional.of(new HedgePolicy(Optional.of(Duration.ofMillis(3)), 0, 0.2)),
                System::nanoTime, Sleeper.SYSTEM, new SplittableRandom(1), ledger);
        int callers = 16, perCaller = 100;
        var outcomes = new ConcurrentLinkedQueue<AttemptOutcome<Integer>>();
        var wrongValues = new AtomicInteger();
        var done = new CountDownLatch(callers);
        for (int c = 0; c < callers; c++) {
            int caller = c;
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perCaller; i++) {
                        int item = caller * perCaller + i;
                        var out = runner.run(item, (Integer in, WorkContext ctx) -> {
                            int mode = Math.floorMod((in * 31 + ctx.attempt() * 7 + (ctx.isHedge() ? 3 : 0)), 10);
                            if (mode < 4) return in;
                            if (mode < 6) throw new IllegalStateException("fail");
                            if (mode < 8) { Thread.sleep(5); return in; }
                            new CountDownLatch(1).await(); // hangs until interrupted
                            return in;
                        }, (a, h, cancelled) -> new TestContext(a, h, cancelled), () -> false);
                        if (out instanceof AttemptOutcome.Success<Integer> s && s.value() != item) wrongValues.incrementAndGet();
                        outcomes.add(out);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes).hasSize(callers * perCaller);
        assertThat(wrongValues).hasValue(0);
        assertThat(runner.awaitAttemptThreads(Duration.ofSeconds(30))).isTrue();
        var s = ledger.snapshot();
        long attempts = outcomes.stream().mapToLong(AttemptOutcome::attempts).sum();
        assertThat(s.attempts()).isEqualTo(attempts);
        assertThat(s.retries()).isEqualTo(attempts - outcomes.size());
        assertThat(s.hedgesWon()).isLessThanOrEqualTo(s.hedgesSent());
        assertThat(outcomes).noneMatch(o -> o instanceof AttemptOutcome.Cancelled<Integer>);
    }

    record TestContext(int attempt, boolean isHedge, java.util.function.BooleanSupplier token) implements WorkContext {
        @Override public boolean isCancelled() { return token.getAsBoolean(); }
        @Override public int worker() { return 0; }
        @Override public long sequence() { return 0; }
    }
}
