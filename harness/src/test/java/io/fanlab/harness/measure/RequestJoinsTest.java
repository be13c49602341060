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

    /**
     * Losers: items of many requests offered in order and ending in a random interleaving, through the sink, to a
     * model design that can cancel one item (as the engine, tpe and vt-per-item do). A cancel reaches a queued item
     * at once (re-entering the sink on the cancelling thread, as tpe reports a queued task) or a running one later,
     * which then ends CANCELLED or finishes anyway. At every join kind: each request is decided exactly once; at
     * first and quorum joins an item's cancel is asked for exactly when it is a loser (it ends after its request's
     * decision, whether it was offered before or after it), and each loser is counted once, as cancelled or as
     * finished anyway, with its time after the decision; cancelled losers are not unfinished, and conservation
     * holds. Join all has no losers and cancels nothing.
     */
    @Property(tries = 300)
    void everyLoserIsCancelledOrFinishedOnceAtEveryJoinKind(@ForAll @IntRange(min = 2, max = 6) int k,
                                                            @ForAll @IntRange(min = 1, max = 6) int joinAtRaw,
                                                            @ForAll @IntRange(min = 1, max = 30) int requests,
                                                            @ForAll long seed) {
        int joinAt = Math.min(joinAtRaw, k);
        Random rnd = new Random(seed);
        CompletionSinkTest.ManualClock clock = new CompletionSinkTest.ManualClock();
        CompletionSink sink = new CompletionSink(clock, k, joinAt);
        sink.openWindow(0, 1_000_000 * MS);
        int n = requests * k;
        List<Item> offered = new ArrayList<>(), running = new ArrayList<>();
        java.util.Set<Item> ended = new java.util.HashSet<>(), losers = new java.util.HashSet<>();
        // the test's own account of each request, applied just before the sink sees each end, in the same order
        int[] completedOf = new int[requests], endedOf = new int[requests];
        boolean[] decided = new boolean[requests];
        long[] decidedAt = new long[requests];
        long[] cancelledLosers = {0}, maxAfterDecision = {0};
        java.util.function.BiConsumer<Item, Outcome> end = (it, o) -> {
            assertThat(ended.add(it)).as("%s ends once", it).isTrue();
            int r = (int) it.request();
            if (decided[r]) {
                losers.add(it);
                if (o == Outcome.CANCELLED) cancelledLosers[0]++;
                maxAfterDecision[0] = Math.max(maxAfterDecision[0], clock.now - decidedAt[r]);
            }
            endedOf[r]++;
            if (o == Outcome.COMPLETED) completedOf[r]++;
            if (!decided[r] && (completedOf[r] >= joinAt || endedOf[r] - completedOf[r] > k - joinAt)) {
                decided[r] = true;
                decidedAt[r] = clock.now;
            }
            running.remove(it);
            sink.complete(it, o, null);
        };
        Outcome[] outcomes = Outcome.values();
        int next = 0;
        while (ended.size() < n) {
            clock.now += rnd.nextInt(3) * MS;
            if (next < n && (running.isEmpty() || rnd.nextBoolean())) {
                Item it = new Item(next, next / k, -1, 0, (next / k) * MS);
                next++;
                offered.add(it);
                sink.submitted(it);
                running.add(it);
                // the model design: half its items end CANCELLED the moment they are cancelled (queued), the others
                // notice later (running: below); registered after the sink saw the offer, as a design's submit does
                boolean endsAtCancel = rnd.nextBoolean();
                it.onCancel(() -> { if (endsAtCancel && !ended.contains(it)) end.accept(it, Outcome.CANCELLED); });
                continue;
            }
            Item it = running.get(rnd.nextInt(running.size()));
            Outcome o = it.cancelRequested() ? (rnd.nextInt(4) == 0 ? Outcome.COMPLETED : Outcome.CANCELLED) // finished anyway, or stopped
                    : rnd.nextInt(3) == 0 ? outcomes[rnd.nextInt(outcomes.length)] : Outcome.COMPLETED;
            end.accept(it, o);
        }
        long successes = 0;
        for (int r = 0; r < requests; r++) if (completedOf[r] >= joinAt) successes++;
        assertThat(sink.requestsSucceeded() + sink.requestsFailed()).as("each request decided once").isEqualTo(requests);
        assertThat(sink.requestsSucceeded()).isEqualTo(successes);
        assertThat(sink.terminalTotal()).as("conservation").isEqualTo(n).isEqualTo(sink.submitted());
        assertThat(sink.unfinished()).isZero();
        if (joinAt == k) { // join all: no losers, nothing cancelled
            assertThat(sink.hasLosers()).isFalse();
            assertThat(sink.loserAfterDecision()).isNull();
            assertThat(offered).noneMatch(Item::cancelRequested);
            return;
        }
        assertThat(offered.stream().filter(Item::cancelRequested).toList()).as("cancel asked for exactly the losers")
                .containsExactlyInAnyOrderElementsOf(losers);
        assertThat(sink.losersCancelled()).isEqualTo(cancelledLosers[0]).isLessThanOrEqualTo(sink.of(Outcome.CANCELLED));
        assertThat(sink.losersFinished()).isEqualTo(losers.size() - cancelledLosers[0]);
        org.HdrHistogram.Histogram after = sink.loserAfterDecision().flipInterval();
        assertThat(after.getTotalCount()).isEqualTo(losers.size());
        if (!losers.isEmpty())
            assertThat(after.highestEquivalentValue(after.getMaxValue())).isGreaterThanOrEqualTo(maxAfterDecision[0] / 1000)
                    .isLessThanOrEqualTo(maxAfterDecision[0] / 1000 + maxAfterDecision[0] / 1000 / 100);
    }
}
