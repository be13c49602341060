package io.fanlab.harness.scenario;

import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.work.WorkSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The cross-field rules of a scenario, all in one place. Single-field rules (ranges, shares summing to at most 1
 * in a bulkhead, mixture weights summing to 1, widths >= 1) live in the records' constructors; everything that
 * relates two fields, or a field to the run (fault windows inside the run, names that must exist), lives here.
 *
 * <p>The rules:
 * <ol>
 *   <li>stage names are unique and made of letters, digits, {@code _ - .} ({@code *} means "every stage" in faults);</li>
 *   <li>warmup is shorter than the measured window;</li>
 *   <li>every fault window lies inside the run: {@code at + duration <= warmup + measure + cooldown};
 *       so does an open {@code spike} arrival;</li>
 *   <li>a fault's {@code stage} names an existing stage; {@code sweep.stage} names an existing stage;</li>
 *   <li>{@code sweep.designs} are known designs, each listed once; {@code sweep.widths} each listed once;
 *       {@code gate.widths} are swept widths;</li>
 *   <li>{@code quorum(q)} has {@code q <= fanout}; fan-out above 1 needs open load (closed users wait for one item);</li>
 *   <li>faults and settings that would silently do nothing are errors: downstream faults without a stage doing
 *       {@code http} work, a {@code hot_key} fault or {@code per_key: true} with {@code keys: none}, a
 *       {@code load_spike} fault under closed load, a {@code worker_stall} of more workers than the smallest
 *       width of the stalled stage, a hedge {@code delay} not shorter than the stage's {@code timeout}, an open
 *       {@code steps} arrival whose later steps start after the run ends;</li>
 *   <li>the bounds of {@link Limits}: at most {@link Limits#MAX_KEYS} keys, {@link Limits#MAX_WIDTH} workers per
 *       stage and sweep width, {@link Limits#MAX_USERS} closed users, {@link Limits#MAX_RUN} per point, and latency
 *       SLOs of at most {@link Limits#MAX_LATENCY} (the probe's range).</li>
 * </ol>
 * Pure functions of their input; thread-safe.
 */
public final class ScenarioRules {
    private ScenarioRules() {}

    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Checks {@code s}; problems carry no file position (for scenarios built in code or changed by overrides). */
    public static List<Problem> check(Scenario s, Set<String> knownDesigns) {
        return check(s, knownDesigns, (path, message) -> new Problem(null, 0, 0, path, message));
    }

    /**
     * Checks {@code s}, making each problem with {@code at(path, message)} so the caller can attach the position
     * of the node at {@code path}.
     */
    public static List<Problem> check(Scenario s, Set<String> knownDesigns, BiFunction<String, String, Problem> at) {
        List<Problem> out = new ArrayList<>();
        Map<String, Integer> stageIndex = new HashMap<>();
        for (int i = 0; i < s.pipeline().size(); i++) {
            String name = s.pipeline().get(i).spec().name();
            if (!STAGE_NAME.matcher(name).matches())
                out.add(at.apply("pipeline[" + i + "].name", "'" + name + "' (expected: letters, digits, '_', '-' or '.')"));
            Integer first = stageIndex.putIfAbsent(name, i);
            if (first != null)
                out.add(at.apply("pipeline[" + i + "].name", "'" + name + "' (expected: unique stage names; pipeline[" + first + "] is also '" + name + "')"));
        }
        String stageNames = String.join(", ", stageIndex.keySet().stream().sorted().toList());

        limits(s, at, out);

        Phases ph = s.phases();
        if (ph.warmup().compareTo(ph.measure()) >= 0)
            out.add(at.apply("phases.warmup", Units.formatDuration(ph.warmup()) + " (expected: < phases.measure " + Units.formatDuration(ph.measure()) + ")"));
        Duration total = ph.total();

        if (s.load() instanceof LoadSpec.Open open && open.arrival() instanceof LoadSpec.Arrival.Spike spike && spike.at().plus(spike.duration()).compareTo(total) > 0)
            out.add(at.apply("load.open.duration", window(spike.at(), spike.duration(), total)));
        if (s.load() instanceof LoadSpec.Open open && open.arrival() instanceof LoadSpec.Arrival.Steps steps) {
            Duration start = Duration.ZERO;
            for (int i = 0; i < steps.steps().size(); i++) {
                if (start.compareTo(total) >= 0) {
                    out.add(at.apply("load.open.steps[" + i + "]", "starts at " + Units.formatDuration(start)
                            + " (expected: < run total " + Units.formatDuration(total) + "; this step would never run)"));
                    break;
                }
                start = start.plus(steps.steps().get(i).duration());
            }
        }
        if (s.load() instanceof LoadSpec.Closed && s.load().fanout() > 1)
            out.add(at.apply("load.fanout", s.load().fanout() + " (expected: 1 under closed load; scatter-gather requests need open load)"));
        if (s.load().join() instanceof LoadSpec.Join.Quorum q && q.q() > s.load().fanout())
            out.add(at.apply("load.join", "quorum(" + q.q() + ") (expected: q <= load.fanout " + s.load().fanout() + ")"));

        boolean http = s.pipeline().stream().anyMatch(c -> c.work() instanceof WorkSpec.Http);
        boolean trace = s.load() instanceof LoadSpec.Open o && o.arrival() instanceof LoadSpec.Arrival.Trace;
        boolean keyed = !(s.keys() instanceof KeySpec.None)
                || (s.load() instanceof LoadSpec.Open o && o.arrival() instanceof LoadSpec.Arrival.Trace t && t.trace().hasKeys());
        for (int i = 0; i < s.pipeline().size(); i++) {
            var spec = s.pipeline().get(i).spec();
            if (spec.timeout().isPresent() && spec.hedge().flatMap(h -> h.fixedDelay()).isPresent()
                    && spec.hedge().get().fixedDelay().get().compareTo(spec.timeout().get()) >= 0)
                out.add(at.apply("pipeline[" + i + "].hedge.delay", Units.formatDuration(spec.hedge().get().fixedDelay().get()) + " (expected: < timeout "
                        + Units.formatDuration(spec.timeout().get()) + "; a hedge after the timeout never starts)"));
            if (s.pipeline().get(i).spec().perKey() && !keyed)
                out.add(at.apply("pipeline[" + i + "].per_key", "true with keys: none (expected: keys other than none; items without keys cannot be routed by key)"));
        }

        for (int i = 0; i < s.faults().size(); i++) {
            FaultSpec f = s.faults().get(i);
            String p = "faults[" + i + "]." + ScenarioWriter.faultName(f);
            if (f instanceof FaultSpec.Abort) {
                if (f.at().compareTo(total) > 0)
                    out.add(at.apply(p + ".at", Units.formatDuration(f.at()) + " (expected: <= run total " + Units.formatDuration(total) + " = warmup + measure + cooldown)"));
            } else if (f.at().plus(f.duration()).compareTo(total) > 0) {
                out.add(at.apply(p + ".duration", window(f.at(), f.duration(), total)));
            }
            Optional<String> stage = switch (f) {
                case FaultSpec.LatencySpike x -> x.stage();
                case FaultSpec.ErrorInjection x -> x.stage();
                case FaultSpec.WorkerStall x -> x.stage();
                default -> Optional.empty();
            };
            if (stage.isPresent() && !stageIndex.containsKey(stage.get()))
                out.add(at.apply(p + ".stage", "'" + stage.get() + "' (expected: one of " + stageNames + ", or '*' for every stage)"));
            if ((f instanceof FaultSpec.Downstream503 || f instanceof FaultSpec.DownstreamSlow) && !http)
                out.add(at.apply(p, "no stage does http work (expected: a stage with work: {http: ...}; without one this fault changes nothing)"));
            if (f instanceof FaultSpec.HotKey && !keyed)
                out.add(at.apply(p, "keys: none (expected: keys other than none; without keys this fault changes nothing)"));
            if (f instanceof FaultSpec.LoadSpike && trace)
                out.add(at.apply(p, "with load.trace (expected: no load spike; the trace is the recorded load: edit the CSV, or change load.speed)"));
            if (f instanceof FaultSpec.LoadSpike && !(s.load() instanceof LoadSpec.Open))
                out.add(at.apply(p, "closed load (expected: open load; a closed model's rate is set by its users, so this fault changes nothing)"));
            if (f instanceof FaultSpec.WorkerStall ws) {
                int minWidth = ws.stage().map(name -> minWidth(s, name)).orElseGet(() -> s.pipeline().stream().mapToInt(c -> minWidth(s, c.spec().name())).min().orElse(1));
                if (ws.workers() > minWidth)
                    out.add(at.apply(p + ".workers", ws.workers() + " (expected: <= " + minWidth + ", the smallest width of the stalled stage)"));
            }
        }

        SweepSpec sw = s.sweep();
        if (!stageIndex.containsKey(sw.stage()))
            out.add(at.apply("sweep.stage", "'" + sw.stage() + "' (expected: one of " + stageNames + ")"));
        Set<Integer> widths = new java.util.HashSet<>();
        for (int i = 0; i < sw.widths().size(); i++)
            if (!widths.add(sw.widths().get(i))) out.add(at.apply("sweep.widths[" + i + "]", sw.widths().get(i) + " (expected: each width once)"));
        for (int i = 0; i < s.gate().widths().size(); i++)
            if (!widths.contains(s.gate().widths().get(i)))
                out.add(at.apply("gate.widths[" + i + "]", s.gate().widths().get(i) + " (expected: one of sweep.widths " + sw.widths() + ")"));
        Set<String> designs = new java.util.HashSet<>();
        String known = String.join(", ", new TreeSet<>(knownDesigns));
        for (int i = 0; i < sw.designs().size(); i++) {
            String d = sw.designs().get(i);
            if (!knownDesigns.contains(d)) {
                String guess = YamlBinder.Suggest.closest(d, new TreeSet<>(knownDesigns));
                out.add(at.apply("sweep.designs[" + i + "]", "'" + d + "' (expected: one of " + known + (guess == null ? "" : "; did you mean '" + guess + "'?") + ")"));
            } else if (!designs.add(d)) {
                out.add(at.apply("sweep.designs[" + i + "]", "'" + d + "' (expected: each design once)"));
            }
        }
        return out;
    }

    /** The bounds of {@link Limits}: sizes the harness can run, and SLOs the probe can fail. */
    private static void limits(Scenario s, BiFunction<String, String, Problem> at, List<Problem> out) {
        String keysPath = switch (s.keys()) {
            case KeySpec.Uniform k -> k.n() > Limits.MAX_KEYS ? "keys.uniform.n" : null;
            case KeySpec.Zipf k -> k.n() > Limits.MAX_KEYS ? "keys.zipf.n" : null;
            case KeySpec.HotKey k -> k.n() > Limits.MAX_KEYS ? "keys.hot_key.n" : null;
            case KeySpec.None k -> null;
        };
        if (keysPath != null) {
            int n = switch (s.keys()) { case KeySpec.Uniform k -> k.n(); case KeySpec.Zipf k -> k.n(); case KeySpec.HotKey k -> k.n(); default -> 0; };
            out.add(at.apply(keysPath, n + " (expected: at most " + Limits.MAX_KEYS + " keys)"));
        }
        for (int i = 0; i < s.pipeline().size(); i++) {
            int w = s.pipeline().get(i).spec().width();
            if (w > Limits.MAX_WIDTH) out.add(at.apply("pipeline[" + i + "].width", w + " (expected: at most " + Limits.MAX_WIDTH + " workers)"));
        }
        for (int i = 0; i < s.sweep().widths().size(); i++) {
            int w = s.sweep().widths().get(i);
            if (w > Limits.MAX_WIDTH) out.add(at.apply("sweep.widths[" + i + "]", w + " (expected: at most " + Limits.MAX_WIDTH + " workers)"));
        }
        if (s.load() instanceof LoadSpec.Closed c && c.users() > Limits.MAX_USERS)
            out.add(at.apply("load.closed.users", c.users() + " (expected: at most " + Limits.MAX_USERS + " users)"));
        Duration total = s.phases().total();
        if (total.compareTo(Limits.MAX_RUN) > 0)
            out.add(at.apply("phases", "warmup + measure + cooldown = " + Units.formatDuration(total)
                    + " (expected: at most " + Units.formatDuration(Limits.MAX_RUN) + " per point)"));
        for (int i = 0; i < s.slos().size(); i++) {
            if (s.slos().get(i) instanceof SloSpec.Latency l && l.max().compareTo(Limits.MAX_LATENCY) > 0)
                out.add(at.apply("slos[" + i + "].latency.max", Units.formatDuration(l.max()) + " (expected: at most "
                        + Units.formatDuration(Limits.MAX_LATENCY) + "; the latency probe records up to 1h and clamps above it, so a larger max could never fail)"));
        }
    }

    /** The width {@code stage} runs at in the smallest sweep point. */
    private static int minWidth(Scenario s, String stage) {
        if (s.sweep().stage().equals(stage)) return s.sweep().widths().stream().mapToInt(Integer::intValue).min().orElse(1);
        return s.pipeline().stream().filter(c -> c.spec().name().equals(stage)).mapToInt(c -> c.spec().width()).findFirst().orElse(Integer.MAX_VALUE);
    }

    private static String window(Duration at, Duration duration, Duration total) {
        return "at " + Units.formatDuration(at) + " + duration " + Units.formatDuration(duration) + " = " + Units.formatDuration(at.plus(duration))
                + " (expected: <= run total " + Units.formatDuration(total) + " = warmup + measure + cooldown)";
    }
}
