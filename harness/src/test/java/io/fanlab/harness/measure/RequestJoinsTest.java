package io.fanlab.harness.measure;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Item;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Every scatter-gather request is decided exactly once, at every join kind, whatever the order and outcomes of its
 * items (the harness's old sink dropped a request's count when its last-numbered item ended: join all recorded 161
 * of 606 requests, join first 1053 entries for 606).
 */
class RequestJoinsTest {
    static final long MS = 1_000_000L;

    @Test
    void joinAllDecidesOnTheLastCompletionEvenWhenTheLastNumberedItemEndsFirst() {
        RequestJoins j = new RequestJoins(4, 4);
        assertThat(j.itemEnded(0, true)).isEqualTo(RequestJoins.Decision.NONE); // item 3 (last-numbered) first
        assertThat(j.itemEnded(0, true)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(j.itemEnded(0, true)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(j.itemEnded(0, true)).isEqualTo(RequestJoins.Decision.SUCCEEDED);
        assertThat(j.openRequests()).isZero();
    }

    @Test
    void joinFirstDecidesOnceAndQuorumFailsWhenItCanNoLongerBeReached() {
        RequestJoins first = new RequestJoins(3, 1);
        assertThat(first.itemEnded(5, false)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(first.itemEnded(5, true)).isEqualTo(RequestJoins.Decision.SUCCEEDED);
        assertThat(first.itemEnded(5, true)).isEqualTo(RequestJoins.Decision.NONE);
        RequestJoins quorum = new RequestJoins(5, 3);
        assertThat(quorum.itemEnded(1, false)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(quorum.itemEnded(1, true)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(quorum.itemEnded(1, false)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(quorum.itemEnded(1, false)).isEqualTo(RequestJoins.Decision.FAILED); // 3 failures: at most 2 left
        assertThat(quorum.decided(1)).isTrue();
        assertThat(quorum.itemEnded(1, true)).isEqualTo(RequestJoins.Decision.NONE);
        assertThat(quorum.openRequests()).isZero();
    }

    @Test
    void invalidJoinsAreRefused() {
        assertThatThrownBy(() -> new RequestJoins(4, 5)).hasMessage("join: 5 (expected: 1..4)");
        assertThatThrownBy(() -> new RequestJoins(0, 1)).hasMessage("fanout: 0 (expected: >= 1)");
    }

    /**
     * Through the sink, items of many requests ending in a random interleaving with random outcomes: each request
     * is decided exactly once, SUCCEEDED exactly when at least joinAt of its items completed, its latency recorded
     * once when it succeeded, and nothing is kept afterwards.
     */
    @Property(tries = 300)
    void everyRequestIsDecidedExactlyOnceAtEveryJoinKind(@ForAll @IntRange(min = 1, max = 6) int k,
                                                         @ForAll @IntRange(min = 1, max = 6) int joinAtRaw,
                                                         @ForAll @IntRange(min = 1, max = 40) int requests,
                                                         @ForAll long seed) {
        int joinAt = Math.min(joinAtRaw, k);
        Random rnd = new Random(seed);
        CompletionSinkTest.ManualClock clock = new CompletionSinkTest.ManualClock();
        CompletionSink sink = new CompletionSink(clock, k, joinAt);
        sink.openWindow(0, 1_000 * MS);
        List<Item> items = new ArrayList<>();
        for (int r = 0; r < requests; r++)
            for (int j = 0; j < k; j++) items.add(new Item((long) r * k + j, r, -1, 0, r * MS));
        items.forEach(sink::submitted);
        Collections.shuffle(items, rnd);
        Outcome[] outcomes = Outcome.values();
        int[] completed = new int[requests];
        for (Item it : items) {
            clock.now += rnd.nextInt(3) * MS;
            Outcome o = rnd.nextInt(3) == 0 ? outcomes[rnd.nextInt(outcomes.length)] : Outcome.COMPLETED;
            if (o == Outcome.COMPLETED) completed[(int) it.request()]++;
            sink.complete(it, o, null);
        }
        long shouldSucceed = 0;
        for (int c : completed) if (c >= joinAt) shouldSucceed++;
        if (k > 1) {
            assertThat(sink.requestsSucceeded() + sink.requestsFailed()).isEqualTo(requests);
            assertThat(sink.requestsSucceeded()).isEqualTo(shouldSucceed);
            assertThat(sink.request().flipInterval().getTotalCount()).isEqualTo(shouldSucceed);
        }
        assertThat(sink.terminalTotal()).isEqualTo((long) requests * k);
        assertThat(sink.inFlight()).isZero();
    }

    /** The same exactly-once property with items of the same request ending concurrently on several threads. */
    @Test
    void concurrentEndsOfOneRequestDecideItOnce() throws Exception {
        int k = 8, requests = 2_000;
        for (int joinAt : new int[] {1, 5, 8}) {
            RequestJoins j = new RequestJoins(k, joinAt);
            java.util.concurrent.atomic.LongAdder decided = new java.util.concurrent.atomic.LongAdder();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int r = 0; r < requests; r++)
                        for (int i = 0; i < k / 4; i++)
                            if (j.itemEnded(r, true) != RequestJoins.Decision.NONE) decided.increment();
                }));
            }
            for (Thread t : threads) t.join();
            assertThat(decided.sum()).as("join at %d", joinAt).isEqualTo(requests);
            assertThat(j.openRequests()).isZero();
        }
    }
}
