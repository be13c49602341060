package io.fanlab.engine.internal;

import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.StageSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SharedQueue take rule of {@link RingStageQueue}: a lone worker takes every published item up to its hand; with
 * more workers a take is one item, so no item waits in one worker's hand while another worker is free.
 */
class RingStageQueueSharedTakeTest {

    private static RingStageQueue shared(TestQueueHost host, int capacity) {
        StageQueue q = StageQueue.forStage(StageSpec.named("q").withWidth(host.width).withDispatch(Dispatch.SHARED).withQueueCapacity(capacity), false, host);
        assertThat(q).isInstanceOf(RingStageQueue.class);
        return (RingStageQueue) q;
    }

    private static void offer(RingStageQueue q, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) q.offer(new Envelope(null, "out", i), true, false);
    }

    private static StageQueueContractTest.LoggingTaker taker(RingStageQueue q) {
        return new StageQueueContractTest.LoggingTaker(0, q, q.handSize(), new java.util.concurrent.atomic.AtomicReference<>());
    }

    @Test
    void aLoneWorkerTakesWhatIsPublishedUpToItsHand() throws InterruptedException {
        TestQueueHost host = new TestQueueHost();
        host.width = 1;
        RingStageQueue q = shared(host, 1024);
        var w = taker(q);
        assertThat(q.handSize()).isEqualTo(RingStageQueue.SHARED_TAKE);
        offer(q, 5);
        assertThat(q.take(w)).isEqualTo(5);
        offer(q, 40);
        assertThat(q.take(w)).isEqualTo(RingStageQueue.SHARED_TAKE);
        assertThat(q.take(w)).isEqualTo(RingStageQueue.SHARED_TAKE);
        assertThat(q.take(w)).isEqualTo(40 - 2 * RingStageQueue.SHARED_TAKE);
        assertThat(q.depth()).isZero();
    }

    @Test
    void severalWorkersTakeOneItemEach() throws InterruptedException {
        TestQueueHost host = new TestQueueHost();
        host.width = 2;
        RingStageQueue q = shared(host, 1024);
        var w = taker(q);
        offer(q, 40);
        for (int left = 40; left > 0; left--) assertThat(q.take(w)).as("take with %d queued", left).isEqualTo(1);
    }

    @Test
    void batchedStagesKeepTheirBatchSize() {
        TestQueueHost host = new TestQueueHost();
        StageQueue q = StageQueue.forStage(StageSpec.named("q").withWidth(1).withDispatch(new Dispatch.Batched(1, false)), false, host);
        assertThat(((RingStageQueue) q).handSize()).isEqualTo(1);
    }
}
