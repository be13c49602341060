package io.fanlab.bench;

import io.fanlab.engine.Outcome;
import io.fanlab.engine.pipeline.BatchTerminalListener;
import io.fanlab.engine.pipeline.CompletedRun;
import io.fanlab.engine.pipeline.FanOutEngine;
import io.fanlab.engine.pipeline.Pipeline;
import io.fanlab.engine.pipeline.ShutdownReport;
import io.fanlab.engine.pipeline.TerminalListener;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;

import java.time.Duration;
import java.util.List;

/**
 * Builds a {@link FanOutDesign} from its benchmark name.
 *
 * <p>Names:
 * <ul>
 *   <li>{@code engine-<dispatch>-<threads>[-ordered]}: the fanlab engine, one {@code submit} per item. dispatch is
 *       {@code shared}, {@code sharded}, {@code stealing}, {@code batched<K>} (fixed batches of up to K) or
 *       {@code adaptive<K>} (adaptive batches up to K); threads {@code platform} or {@code virtual}; {@code -ordered}
 *       keeps input order with a reorder window of {@value #ORDER_WINDOW}. Queue capacity {@value #QUEUE}.</li>
 *   <li>{@code engine-<dispatch>-<threads>-submitall[-ordered]}: the same engine stage fed by
 *       {@code FanOutEngine.submitAll} in chunks of {@value #SUBMIT_CHUNK} items (the producer-side half of the
 *       batched hand-off: one queue lock and one wake-up per chunk on a single-queue, unordered stage; the engine
 *       falls back to one offer per item where it must, e.g. ordered or sharded stages).</li>
 *   <li>{@code ...-runs} (after the rest of an engine name): the results leave as runs: the listener is a
 *       {@link BatchTerminalListener} that reports each run to the gate with one {@code arrive(n)} (the consumer-side
 *       half of batching); without it one {@code arrive()} per item. Only Batched dispatch makes runs.</li>
 *   <li>peers: see {@link Peers} ({@code tpe}, {@code abq-pool}, {@code vt-semaphore}, {@code vt-loop} (the I/O
 *       ceiling, not a design), {@code reactor-flatmap},
 *       {@code reactor-flatmap-elastic}, {@code reactor-parallel}, {@code disruptor-sleeping},
 *       {@code disruptor-yielding}, {@code jctools-pool}).</li>
 * </ul>
 */
public final class Designs {
    /** Bound of every design's input queue or ring. */
    public static final int QUEUE = 1024;
    /** Reorder window of the ordered engine variants. */
    public static final int ORDER_WINDOW = 1024;
    /** Items per {@code submitAll} call of the {@code -submitall} engine variants. */
    public static final int SUBMIT_CHUNK = 64;
    /** The batched hand-off variants: producer chunks of {@value #SUBMIT_CHUNK} into batched dispatch. */
    public static final List<String> SUBMITALL_VARIANTS = List.of(
            "engine-batched64-platform-submitall", "engine-adaptive64-platform-submitall",
            "engine-batched64-virtual-submitall", "engine-adaptive64-virtual-submitall",
            "engine-batched64-platform-submitall-ordered", "engine-adaptive64-platform-submitall-ordered",
            "engine-batched64-platform-submitall-runs", "engine-adaptive64-platform-submitall-runs",
            "engine-adaptive64-virtual-submitall-runs");

    /** The engine variants of the main table: 5 dispatch settings x 2 thread kinds x unordered/ordered. */
    public static final List<String> ENGINE_VARIANTS = engineVariants();
    /** The peer designs of the CPU table. */
    public static final List<String> CPU_PEERS = List.of("tpe", "abq-pool", "abq-chunked64", "abq-chunked64-runs", "vt-semaphore", "reactor-flatmap",
            "reactor-parallel", "disruptor-sleeping", "jctools-pool");

    private Designs() {}

    /**
     * @throws IllegalArgumentException for an unknown name or a width below 1
     */
    public static FanOutDesign create(String name, int width, ItemWork work, CompletionGate gate) {
        if (width < 1) throw new IllegalArgumentException("width: " + width + " (expected: >= 1)");
        if (name.startsWith("engine-")) return engine(name, width, work, gate);
        return Peers.create(name, width, work, gate);
    }

    private static List<String> engineVariants() {
        var out = new java.util.ArrayList<String>();
        for (String order : List.of("", "-ordered"))
            for (String threads : List.of("platform", "virtual"))
                for (String d : List.of("shared", "sharded", "stealing", "batched64", "adaptive64"))
                    out.add("engine-" + d + "-" + threads + order);
        return List.copyOf(out);
    }

    /** The engine stage a name describes (see the class javadoc). */
    public static StageSpec engineSpec(String name, int width) {
        String[] p = name.replace("-submitall", "").replace("-runs", "").split("-");
        if (p.length < 3 || p.length > 4 || !p[0].equals("engine") || (p.length == 4 && !p[3].equals("ordered")))
            throw new IllegalArgumentException("design: " + name + " (expected: engine-<dispatch>-<platform|virtual>[-submitall][-ordered][-runs])");
        Dispatch dispatch = switch (p[1]) {
            case "shared" -> Dispatch.SHARED;
            case "sharded" -> new Dispatch.Sharded();
            case "stealing" -> new Dispatch.WorkStealing();
            default -> {
                if (p[1].startsWith("batched")) yield new Dispatch.Batched(Integer.parseInt(p[1].substring(7)), false);
                if (p[1].startsWith("adaptive")) yield new Dispatch.Batched(Integer.parseInt(p[1].substring(8)), true);
                throw new IllegalArgumentException("design: " + name + " dispatch " + p[1]
                        + " (expected: shared, sharded, stealing, batched<K>, adaptive<K>)");
            }
        };
        ThreadKind threads = switch (p[2]) {
            case "platform" -> ThreadKind.PLATFORM;
            case "virtual" -> ThreadKind.VIRTUAL;
            default -> throw new IllegalArgumentException("design: " + name + " threads " + p[2] + " (expected: platform or virtual)");
        };
        Order order = p.length == 4 ? new Order.Ordered(ORDER_WINDOW) : Order.UNORDERED;
        return StageSpec.named("fan").withWidth(width).withThreads(threads).withDispatch(dispatch).withOrder(order)
                .withQueueCapacity(QUEUE);
    }

    private static FanOutDesign engine(String name, int width, ItemWork work, CompletionGate gate) {
        StageSpec spec = engineSpec(name, width);
        boolean submitAll = name.contains("-submitall");
        TerminalListener<Integer> perItem = (exit, item, outcome, result, cause) -> {
            if (outcome == Outcome.COMPLETED) gate.arrive();
            else gate.fail(new IllegalStateException("item " + item + " ended " + outcome, cause));
        };
        TerminalListener<Integer> listener = !name.endsWith("-runs") ? perItem : new BatchTerminalListener<Integer>() {
            @Override public void onCompletedRun(String exit, CompletedRun<Integer> run) { gate.arrive(run.size()); }

            @Override
            public void onTerminal(String exit, Integer item, Outcome outcome, Object result, Throwable cause) {
                perItem.onTerminal(exit, item, outcome, result, cause);
            }
        };
        FanOutEngine<Integer> engine = Pipeline.<Integer, Integer>from(spec, (x, c) -> work.apply(x)).start(listener);
        return new FanOutDesign() {
            @Override
            public void push(Integer[] items) throws InterruptedException {
                if (!submitAll) {
                    for (Integer x : items) engine.submit(x);
                    return;
                }
                List<Integer> all = java.util.Arrays.asList(items);
                for (int i = 0; i < items.length; i += SUBMIT_CHUNK) {
                    List<Integer> chunk = all.subList(i, Math.min(items.length, i + SUBMIT_CHUNK));
                    int n = engine.submitAll(chunk);
                    if (n != chunk.size())
                        throw new IllegalStateException(name + ": submitAll admitted " + n + " of " + chunk.size() + " items");
                }
            }

            /**
             * Closes with a 5 s deadline. Every pushed item has completed (the gate checked it) before this runs, so
             * a close that does not drain is an engine shutdown defect, not a measurement problem: it is reported on
             * stderr (JMH shows it in the run log) and the trial's score is kept.
             */
            @Override
            public void close() {
                ShutdownReport r = engine.close(Duration.ofSeconds(5));
                if (!r.drained() || !engine.liveThreads().isEmpty())
                    System.err.println("fanlab bench: WARNING " + name + " width " + spec.width()
                            + ": engine close did not drain although every item had completed: " + r
                            + ", live threads " + engine.liveThreads().size());
            }

            @Override
            public String toString() { return name + " " + spec; }
        };
    }
}
