package io.fanlab.harness.design.contract;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import io.fanlab.harness.design.Completions;
import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignContext;
import io.fanlab.harness.design.Item;
import io.fanlab.harness.design.RunningDesign;
import io.fanlab.harness.design.StageWork;
import io.fanlab.harness.probe.ThreadCensus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The contract every design keeps, as checks a test calls:
 * <pre>{@code
 * @Test void myDesignKeepsTheContract() { DesignContract.of(new MyDesign()).verify(); }
 * }</pre>
 * <ul>
 *   <li>{@link #nothingLostNothingDuplicated()}: {@link #items(int) n} items through two stages, every 10th failing
 *       in the first; after {@code close} each item was reported exactly once, with the expected outcome, and no
 *       thread the design started is alive.</li>
 *   <li>{@link #cancelIsBoundedAndCountsStuckItems()}: one item's work ignores interruption, the others sleep;
 *       {@code cancel(500ms)} returns within 3 s, counts exactly one stuck item, reports every submitted item
 *       exactly once (CANCELLED or SHED), ignores the stuck item's late result, and leaves no thread behind.</li>
 * </ul>
 * Threads are counted with a census (virtual threads included) before the design starts and after it stopped:
 * a thread that was not there before, is still alive {@link #threadGrace(Duration) a grace period} later and is
 * not one the JDK starts lazily on its own (common pool, virtual-thread carriers and pollers, process reaper) is
 * left behind. Run the checks one at a time (not concurrently with other tests that start threads).
 */
public final class DesignContract {
    private final Design design;
    private int items = 5_000;
    private int width = 4;
    private Duration closeDeadline = Duration.ofSeconds(20);
    private Duration threadGrace = Duration.ofSeconds(5);

    private DesignContract(Design design) {
        if (design == null) throw new IllegalArgumentException("design: null (expected: the design to check)");
        this.design = design;
    }

    public static DesignContract of(Design design) { return new DesignContract(design); }

    /** Items submitted by {@link #nothingLostNothingDuplicated()}; default 5000, at least 10. */
    public DesignContract items(int n) {
        if (n < 10) throw new IllegalArgumentException("items: " + n + " (expected: >= 10)");
        this.items = n;
        return this;
    }

    /** Width of every stage; default 4. The cancel check uses 2 (one stuck worker, one that answers interruption). */
    public DesignContract width(int w) {
        if (w < 1) throw new IllegalArgumentException("width: " + w + " (expected: >= 1)");
        this.width = w;
        return this;
    }

    /** How long {@code close} may take to drain; default 20 s. */
    public DesignContract closeDeadline(Duration d) {
        this.closeDeadline = d;
        return this;
    }

    /** How long threads may take to end after close or cancel returned; default 5 s. */
    public DesignContract threadGrace(Duration d) {
        this.threadGrace = d;
        return this;
    }

    /** Runs every check; throws one {@link AssertionError} listing each failed check. */
    public void verify() throws InterruptedException {
        List<String> failures = new ArrayList<>();
        for (Check c : List.<Check>of(this::nothingLostNothingDuplicated, this::cancelIsBoundedAndCountsStuckItems)) {
            try {
                c.run();
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            } catch (Exception e) {
                failures.add("design " + design.name() + ": the check itself failed: " + e);
            }
        }
        if (!failures.isEmpty()) throw new AssertionError(String.join("\n", failures));
    }

    @FunctionalInterface private interface Check { void run() throws Exception; }

    /** Outcomes reported per item seq. */
    private record Recorded(Map<Long, List<Outcome>> outcomes) {
        static Recorded create() { return new Recorded(new ConcurrentHashMap<>()); }
        Completions sink() { return (item, outcome, cause) -> outcomes.computeIfAbsent(item.seq(), k -> new CopyOnWriteArrayList<>()).add(outcome); }
        long count(Outcome o) { return outcomes.values().stream().flatMap(List::stream).filter(o::equals).count(); }
        List<Long> reportedTwice() { return outcomes.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).sorted().toList(); }
    }

    private static DesignContext context(int width, List<StageWork> work, Completions sink) {
        List<StageSpec> stages = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) stages.add(StageSpec.named("s" + i).withWidth(width).withQueueCapacity(64).withThreads(ThreadKind.PLATFORM));
        return new DesignContext(stages, work, sink, 0);
    }

    private static Item item(long seq) { return new Item(seq, seq, seq % 7, 0, System.nanoTime()); }

    private AssertionError fail(String check, String what) {
        return new AssertionError("design " + design.name() + ": " + check + ": " + what);
    }

    /** Nothing lost, nothing duplicated, outcomes as the work decided, no thread left after close. */
    public void nothingLostNothingDuplicated() throws Exception {
        String check = "nothing lost, nothing duplicated";
        List<ThreadCensus.Seen> before = ThreadCensus.take();
        Recorded rec = Recorded.create();
        StageWork failEvery10th = (item, cancelled) -> {
            if (item.seq() % 10 == 3) throw new IllegalStateException("injected failure");
        };
        RunningDesign d = design.start(context(width, List.of(failEvery10th, (i, c) -> { }), rec.sink()));
        int n = items;
        for (int i = 0; i < n; i++) d.submit(item(i));
        if (!d.close(closeDeadline)) throw fail(check, "close did not drain within " + closeDeadline.toMillis() + " ms (reported " + rec.outcomes().size() + " of " + n + ")");
        List<Long> missing = new ArrayList<>();
        for (long i = 0; i < n && missing.size() < 10; i++) if (!rec.outcomes().containsKey(i)) missing.add(i);
        long lost = n - rec.outcomes().size();
        List<Long> twice = rec.reportedTwice();
        if (lost > 0 || !twice.isEmpty())
            throw fail(check, n + " items submitted, " + lost + " never reported" + (missing.isEmpty() ? "" : " (first seqs: " + missing + ")")
                    + ", " + twice.size() + " reported more than once" + (twice.isEmpty() ? "" : " (first seqs: " + twice.subList(0, Math.min(10, twice.size())) + ")"));
        long failed = rec.count(Outcome.FAILED) + rec.count(Outcome.DEAD_LETTERED), completed = rec.count(Outcome.COMPLETED);
        if (failed != n / 10 || completed != n - n / 10)
            throw fail(check, "outcomes: " + completed + " COMPLETED, " + failed + " FAILED or DEAD_LETTERED (expected: " + (n - n / 10)
                    + " and " + n / 10 + ": every 10th item's first stage throws, the rest succeed)");
        noThreadLeftBehind(check, before);
    }

    /** Cancel ends in-flight and queued items, returns within its bound, counts the stuck item, leaves no thread. */
    public void cancelIsBoundedAndCountsStuckItems() throws Exception {
        String check = "cancel bounded, stuck items counted";
        List<ThreadCensus.Seen> before = ThreadCensus.take();
        Recorded rec = Recorded.create();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch releaseStuck = new CountDownLatch(1);
        AtomicReference<Thread> stuckThread = new AtomicReference<>();
        StageWork work = (item, cancelled) -> {
            started.countDown();
            if (item.seq() == 0) { // ignores interruption until released
                stuckThread.set(Thread.currentThread());
                while (true) {
                    try {
                        releaseStuck.await();
                        return;
                    } catch (InterruptedException ignored) { }
                }
            }
            Thread.sleep(60_000); // answers interruption
        };
        RunningDesign d = design.start(context(2, List.of(work), rec.sink()));
        Thread producer = Thread.ofPlatform().name("fanlab-contract-producer").start(() -> {
            try {
                for (int i = 0; i < 10; i++) d.submit(item(i));
            } catch (InterruptedException | IllegalStateException ignored) { }
        });
        try {
            if (!started.await(10, TimeUnit.SECONDS))
                throw fail(check, "two items did not start within 10 s at width 2 (does the design run items concurrently?)");
            RunningDesign.CancelResult r = d.cancel(Duration.ofMillis(500));
            producer.interrupt();
            producer.join(5_000);
            if (r.elapsed().compareTo(Duration.ofSeconds(3)) >= 0)
                throw fail(check, "cancel(500ms) took " + r.elapsed().toMillis() + " ms (expected: < 3000 ms even with work that ignores interruption)");
            if (r.stuckItems() != 1) throw fail(check, "cancel counted " + r.stuckItems() + " stuck items (expected: 1, the item whose work ignores interruption)");
            List<Long> twice = rec.reportedTwice();
            if (!twice.isEmpty()) throw fail(check, "items reported more than once: " + twice);
            long submitted = rec.outcomes().size(), ended = rec.count(Outcome.CANCELLED) + rec.count(Outcome.SHED);
            if (ended != submitted)
                throw fail(check, submitted + " items reported, " + ended + " of them CANCELLED or SHED (expected: all; outcomes " + rec.outcomes() + ")");
        } finally {
            releaseStuck.countDown();
            producer.interrupt();
        }
        Thread stuck = stuckThread.get();
        if (stuck != null) {
            stuck.join(5_000);
            if (stuck.isAlive()) throw fail(check, "the stuck item's thread " + stuck.getName() + " did not end 5 s after its work returned");
        }
        if (!rec.reportedTwice().isEmpty()) throw fail(check, "the stuck item's late result was reported after cancel: " + rec.reportedTwice());
        noThreadLeftBehind(check, before);
    }

    private void noThreadLeftBehind(String check, List<ThreadCensus.Seen> before) throws InterruptedException {
        // the point runner's rule: threads judged by what owns them (the JVM's own pools, pollers and carriers are
        // not the design's), never by name, so a forgotten default-named ForkJoinPool is caught
        List<ThreadCensus.Seen> left = ThreadCensus.leakedSince(before, t -> false, threadGrace.toNanos());
        if (!left.isEmpty())
            throw fail(check, left.size() + " thread(s) still alive " + threadGrace.toMillis() + " ms after the design stopped: "
                    + left.stream().limit(10).map(t -> (t.virtual() ? "virtual " : "") + (t.name().isEmpty() ? "#" + t.tid() : t.name())).toList());
    }
}
