package io.fanlab.harness.measure;

import static org.assertj.core.api.Assertions.*;

import io.fanlab.engine.Outcome;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.queueing.LittlesLaw;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The sink's rules on a manual clock: exact expectations, no sleeps. */
class CompletionSinkTest {
    static final long MS = 1_000_000L, S = 1_000 * MS;

    /** A clock the test moves by hand. */
    static final class ManualClock implements java.util.function.LongSupplier {
        long now;
        @Override public long getAsLong() { return now; }
    }

    final ManualClock clock = new ManualClock();

    CompletionSink sink(int k, int joinAt) {
        CompletionSink s = new CompletionSink(clock, k, joinAt);
        s.openWindow(1 * S, 3 * S);
        return s;
    }

    static Item item(long seq, long request, long intended) { return new Item(seq, request, seq % 3, 0, intended); }

    static Histogram flip(io.fanlab.harness.probe.LatencyProbe p) { return p.flipInterval(); }

    @Test
    void responseCountsFromTheIntendedStartAndOnlyForItemsIntendedInTheWindow() {
        CompletionSink s = sink(1, 1);
        Item warm = item(0, 0, 500 * MS), in = item(1, 1, 1500 * MS), late = item(2, 2, 3 * S);
        for (Item i : List.of(warm, in, late)) s.submitted(i);
        in.markServiceStart(1600 * MS);
        clock.now = 1700 * MS;
        s.complete(warm, Outcome.COMPLETED, null);
        s.complete(in, Outcome.COMPLETED, null);
        clock.now = 3100 * MS;
        s.complete(late, Outcome.COMPLETED, null);

        Histogram r = flip(s.response());
        assertThat(r.getTotalCount()).isEqualTo(1);
        assertThat(r.getMaxValue()).isBetween(199_000L, 201_000L);            // 1700 - 1500 ms, in us
        assertThat(flip(s.service()).getMaxValue()).isBetween(99_000L, 101_000L); // 1700 - 1600 ms
        assertThat(flip(s.liveResponse()).getTotalCount()).isEqualTo(3);
        assertThat(s.windowOffered()).isEqualTo(1);
        assertThat(s.completedInWindow()).isEqualTo(2);                        // the warmup item ended inside it too
        assertThat(s.of(Outcome.COMPLETED)).isEqualTo(3);
        assertThat(s.inFlight()).isZero();
    }

    @Test
    void countsAboveABoundFollowTheirPopulationsLive() {
        CompletionSink s = sink(2, 2); // fan-out 2, join all: a request succeeds when both items complete
        var resp = s.countAbove(CompletionSink.Population.RESPONSE, 150 * MS);
        var svc = s.countAbove(CompletionSink.Population.SERVICE, 150 * MS);
        var req = s.countAbove(CompletionSink.Population.REQUEST, 250 * MS);
        Item warm = item(0, 0, 500 * MS), a = item(2, 1, 1500 * MS), b = item(3, 1, 1500 * MS);
        for (Item i : List.of(warm, a, b)) s.submitted(i);
        a.markServiceStart(1600 * MS);
        b.markServiceStart(1500 * MS);
        clock.now = 1700 * MS;  // a: response 200 ms, service 100 ms; the warmup item: not the window's
        s.complete(warm, Outcome.COMPLETED, null);
        s.complete(a, Outcome.COMPLETED, null);
        assertThat(resp.getAsLong()).isEqualTo(1);
        assertThat(svc.getAsLong()).isZero();
        assertThat(req.getAsLong()).as("request 1 not decided yet").isZero();
        clock.now = 1800 * MS;  // b: response 300 ms, service 300 ms; request 1 decided at 300 ms
        s.complete(b, Outcome.COMPLETED, null);
        assertThat(resp.getAsLong()).isEqualTo(2);
        assertThat(svc.getAsLong()).isEqualTo(1);
        assertThat(req.getAsLong()).isEqualTo(1);
    }

    @Test
    void littlesLawComesFromTheTestedAccumulatorOverEveryOutcome() {
        CompletionSink s = sink(1, 1);
        // [0.5, 1.5): 0.5 s inside; [2, 2.5) failed: 0.5 s; [2.5, 4) shed late: 0.5 s inside
        Item a = item(0, 0, 500 * MS), b = item(1, 1, 2 * S), c = item(2, 2, 2500 * MS);
        for (Item i : List.of(a, b, c)) s.submitted(i);
        clock.now = 1500 * MS;
        s.complete(a, Outcome.COMPLETED, null);
        clock.now = 2500 * MS;
        s.complete(b, Outcome.FAILED, new RuntimeException("x"));
        clock.now = 4 * S;
        s.complete(c, Outcome.SHED, null);
        LittlesLaw.Check l = s.little();
        LittlesLaw.Check expected = LittlesLaw.ofTimeline(new long[] {500 * MS, 2 * S, 2500 * MS},
                new long[] {1500 * MS, 2500 * MS, 4 * S}, 1 * S, 3 * S);
        assertThat(l).isEqualTo(expected);
        assertThat(l.observedL()).isEqualTo(0.75);   // 1.5 item-seconds over 2 s
        assertThat(l.lambdaPerSec()).isEqualTo(1.0); // b and c arrived in the window
    }

    @Test
    void duplicatesAreCountedNotRecorded() {
        CompletionSink s = sink(1, 1);
        Item a = item(0, 0, 1500 * MS);
        s.submitted(a);
        clock.now = 1600 * MS;
        s.complete(a, Outcome.COMPLETED, null);
        s.complete(a, Outcome.FAILED, null);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.terminalTotal()).isEqualTo(1);
        assertThat(flip(s.response()).getTotalCount()).isEqualTo(1);
    }

    @Test
    void itemsUnfinishedAtTheCancelAreCensoredAtLeastAtTheWindowsEnd() {
        CompletionSink s = sink(1, 1);
        Item done = item(0, 0, 1100 * MS), stalled = item(1, 1, 1200 * MS), stuck = item(2, 2, 2 * S), beforeWindow = item(3, 3, 900 * MS);
        for (Item i : List.of(done, stalled, stuck, beforeWindow)) s.submitted(i);
        clock.now = 1110 * MS;
        s.complete(done, Outcome.COMPLETED, null);
        clock.now = 4 * S;       // after the cooldown: the point gives up
        s.beginCancel();
        assertThat(s.inFlightAtCancel()).isEqualTo(3);
        clock.now = 4010 * MS;
        s.complete(stalled, Outcome.CANCELLED, null);
        s.complete(beforeWindow, Outcome.CANCELLED, null);
        clock.now = 6 * S;       // the cancel bound passed; 'stuck' never reported
        assertThat(s.censorStuck()).isEqualTo(1);

        assertThat(s.unfinished()).isEqualTo(3);                // stalled, beforeWindow, stuck
        assertThat(s.censoredResponse()).isEqualTo(2);          // the two intended inside the window
        assertThat(s.cancelledAfterCancel()).isEqualTo(2);
        Histogram r = flip(s.response());
        assertThat(r.getTotalCount()).isEqualTo(3);
        assertThat(r.getMaxValue()).isBetween(3_990_000L, 4_010_000L);  // stuck: 6 s - 2 s
        assertThat(r.getValueAtPercentile(50)).isBetween(2_800_000L, 2_820_000L); // stalled: 4.01 - 1.2 s
        assertThat(s.inFlight()).isEqualTo(1);                  // stuck stays non-terminal: conservation reports it
    }

    @Test
    void anItemCancelledMidWindowIsCensoredAtTheWindowsEndNotEarlier() {
        CompletionSink s = sink(1, 1);
        Item a = item(0, 0, 1500 * MS);
        s.submitted(a);
        clock.now = 2 * S;
        s.beginCancel();
        s.complete(a, Outcome.CANCELLED, null);
        assertThat(flip(s.response()).getMaxValue()).isBetween(1_499_000L, 1_501_000L); // 3 s - 1.5 s
    }

    @Test
    void itemsThatFinishAfterTheCancelBeganCountAsFinishedAnyway() {
        CompletionSink s = sink(1, 1);
        Item a = item(0, 0, 1500 * MS);
        s.submitted(a);
        clock.now = 2 * S;
        s.beginCancel();
        clock.now = 2100 * MS;
        s.complete(a, Outcome.COMPLETED, null);
        assertThat(s.finishedAfterCancel()).isEqualTo(1);
        assertThat(s.unfinished()).isZero();
        assertThat(s.censoredResponse()).isZero();
    }

    /**
     * Join first over 3 items: item 0 completes at 1.6 s and decides; items 1 and 2 are losers, their cancel asked at
     * once. Item 1 ends CANCELLED 2 ms later; item 2 is still in flight at the point's cancel, which ends it: it counts
     * as cancelled by that cancel but is neither unfinished nor censored (nobody waits for it).
     */
    @Test
    void losersAreCancelledAtTheDecisionAndNeverUnfinished() {
        CompletionSink s = sink(3, 1);
        Item a = item(0, 0, 1500 * MS), b = item(1, 0, 1500 * MS), c = item(2, 0, 1500 * MS);
        for (Item i : new Item[] {a, b, c}) s.submitted(i);
        clock.now = 1600 * MS;
        s.complete(a, Outcome.COMPLETED, null);
        assertThat(b.cancelRequested()).isTrue();
        assertThat(c.cancelRequested()).isTrue();
        assertThat(a.cancelRequested()).as("the decider itself").isFalse();
        clock.now = 1602 * MS;
        s.complete(b, Outcome.CANCELLED, null);
        clock.now = 2 * S;
        s.beginCancel();
        clock.now = 2005 * MS;
        s.complete(c, Outcome.CANCELLED, null);
        assertThat(s.losersCancelled()).isEqualTo(2);
        assertThat(s.losersFinished()).isZero();
        assertThat(s.cancelledAfterCancel()).isEqualTo(1);
        assertThat(s.unfinished()).isZero();
        assertThat(s.censoredResponse()).isZero();
        Histogram after = flip(s.loserAfterDecision());
        assertThat(after.getTotalCount()).isEqualTo(2);
        assertThat(after.getMinValue()).isEqualTo(2000); // us: 2 ms after the decision
        assertThat(after.highestEquivalentValue(after.getMaxValue())).isBetween(405_000L, 405_500L);
        assertThat(s.requestsSucceeded()).isEqualTo(1);
        assertThat(s.of(Outcome.CANCELLED)).isEqualTo(2);
    }

    @Test
    void cancelledBeforeThePointsCancelIsNotUnfinished() {
        // a loser cancelled by a first/quorum join is an ordinary outcome, not an unserved item
        CompletionSink s = sink(1, 1);
        Item a = item(0, 0, 1500 * MS);
        s.submitted(a);
        clock.now = 1600 * MS;
        s.complete(a, Outcome.CANCELLED, null);
        s.beginCancel();
        assertThat(s.unfinished()).isZero();
        assertThat(flip(s.response()).getTotalCount()).isZero();
    }

    @Test
    void deadLettersKeepSeqKeyCauseAndAttempts() {
        CompletionSink s = sink(1, 1);
        Item a = item(7, 7, 1500 * MS);
        a.nextAttempt(0);
        a.nextAttempt(0);
        a.nextAttempt(0);
        s.submitted(a);
        s.complete(a, Outcome.DEAD_LETTERED, new IllegalStateException("503"));
        assertThat(s.deadLetters().kept()).containsExactly(new DeadLetters.Letter(7, 1, "java.lang.IllegalStateException: 503", 3));
    }

    @Test
    void hotKeysAreCountedAtSubmitPerWindowAndPerInterval() {
        CompletionSink s = sink(1, 1);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) items.add(new Item(i, i, i % 5 == 0 ? 42 : i, 0, (i < 10 ? 500 : 1500) * MS));
        items.forEach(s::submitted);
        assertThat(s.windowKeys().top(1, false)).containsExactly(new TopKeys.KeyCount(42, 4, 0)); // 10, 15, 20, 25
        assertThat(s.intervalKeys().top(1, true)).containsExactly(new TopKeys.KeyCount(42, 6, 0));
        assertThat(s.intervalKeys().total()).isZero();
    }

    @Test
    void windowMustBeOpenedBeforeLittlesLawIsRead() {
        assertThatThrownBy(() -> new CompletionSink(clock, 1, 1).little()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openWindow");
    }
}
