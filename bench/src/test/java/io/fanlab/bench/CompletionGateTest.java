package io.fanlab.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionGateTest {
    @Test
    void awaitReturnsOnceEveryArrivalCameFromOtherThreads() throws Exception {
        CompletionGate gate = new CompletionGate();
        gate.expect(1000);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < 4; t++) {
            ts[t] = Thread.ofPlatform().start(() -> { for (int i = 0; i < 250; i++) gate.arrive(); });
        }
        gate.await(TimeUnit.SECONDS.toNanos(30));
        for (Thread t : ts) t.join();
        assertThat(gate.remaining()).isZero();
    }

    @Test
    void aMissingItemTimesOut() {
        CompletionGate gate = new CompletionGate();
        gate.expect(2);
        gate.arrive();
        assertThatThrownBy(() -> gate.await(TimeUnit.MILLISECONDS.toNanos(20)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("1 completions missing");
    }

    @Test
    void aDuplicateCompletionFailsTheNextBatch() throws Exception {
        CompletionGate gate = new CompletionGate();
        gate.expect(1);
        gate.arrive();
        gate.await(TimeUnit.SECONDS.toNanos(1));
        gate.arrive(); // late duplicate
        assertThatThrownBy(() -> gate.expect(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed or duplicated");
    }

    @Test
    void aFailedItemFailsAwait() {
        CompletionGate gate = new CompletionGate();
        gate.expect(2);
        gate.fail(new RuntimeException("boom"));
        assertThatThrownBy(() -> gate.await(TimeUnit.SECONDS.toNanos(5))).isInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("boom");
    }

    @Test
    void expectRejectsNonPositiveCounts() {
        assertThatThrownBy(() -> new CompletionGate().expect(0)).hasMessage("n: 0 (expected: >= 1)");
    }
}
