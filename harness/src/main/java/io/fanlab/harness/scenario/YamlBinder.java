package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.Bulkhead;
import io.fanlab.engine.spec.Dispatch;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.HedgePolicy;
import io.fanlab.engine.spec.InvalidField;
import io.fanlab.engine.spec.LimitSpec;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.RateLimit;
import io.fanlab.engine.spec.RetryPolicy;
import io.fanlab.engine.spec.StageSpec;
import io.fanlab.engine.spec.ThreadKind;
import io.fanlab.harness.design.PipelineGraph;
import io.fanlab.harness.dist.Distribution;
import io.fanlab.harness.fault.FaultKind;
import io.fanlab.harness.fault.FaultSpec;
import io.fanlab.harness.load.LoadSpec;
import io.fanlab.harness.load.Rate;
import io.fanlab.harness.work.WorkSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Pass two of loading: walks a composed YAML node tree into the scenario records, collecting every problem with the
 * position of its node instead of stopping at the first.
 *
 * <p>Implementation notes. Every reader returns {@code null} after recording a problem; a record is only built
 * when all its parts are non-null ({@link #build}), so one bad field reports once and does not cascade. Problems are
 * typed where they are found ({@link Problem}: path, position, what is wrong, what is allowed); a record
 * constructor's {@link InvalidField} carries its key below the record and its rule, so the problem lands on the
 * YAML node the key names and shows the value as the user wrote it ({@code -1s}, not {@code PT-1S}). No message is
 * parsed back.
 * Positions of every bound path are kept for {@link ScenarioRules}. Single use, not thread-safe.
 */
final class YamlBinder {
    interface Reader<T> { T read(Node n, String path); }

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");
    private static final Pattern QUORUM = Pattern.compile("quorum\\(\\s*([-+]?[0-9]+)\\s*\\)");

    private final Path file;
    private final Path baseDir;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Mark> marks = new HashMap<>();

    YamlBinder(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().normalize().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    List<Problem> problems() { return problems; }
    Map<String, Mark> marks() { return marks; }

    // ---------------------------------------------------------------- problems and positions

    void problem(Node n, String path, String message) { problem(n, path, message, ""); }

    /** A problem at {@code n}: {@code wrong} (usually the value as written) and what is {@code allowed}. */
    void problem(Node n, String path, Object wrong, String allowed) {
        Mark m = n == null ? null : n.getStartMark().orElse(null);
        problems.add(new Problem(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, path, String.valueOf(wrong), allowed));
    }

    private void mark(Node n, String path) { n.getStartMark().ifPresent(m -> marks.putIfAbsent(path, m)); }

    static String show(Node n) {
        if (n instanceof ScalarNode s) return isNull(s) ? "null" : s.getValue();
        if (n instanceof MappingNode) return "a mapping";
        return "a list";
    }

    private static boolean isNull(ScalarNode s) {
        return s.isPlain() && (s.getValue().isEmpty() || s.getValue().equals("~") || s.getValue().equalsIgnoreCase("null"));
    }

    static String child(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

    /**
     * Builds a record once all parts are present. A constructor's {@link InvalidField} becomes a problem at the node
     * its key names below {@code ctx} (the value shown as written); when that key is not in the file (a default
     * broke a rule with another value) or the rule is about the record, at {@code ctx}. Any other
     * {@link IllegalArgumentException} is reported at {@code ctx} with its message as is.
     */
    <T> T build(Node ctx, String path, Supplier<T> ctor, Object... parts) {
        for (Object p : parts) if (p == null) return null;
        try {
            return ctor.get();
        } catch (InvalidField e) {
            reportInvalid(ctx, path, e);
            return null;
        } catch (IllegalArgumentException e) {
            problem(ctx, path, String.valueOf(e.getMessage()));
            return null;
        }
    }

    private void reportInvalid(Node ctx, String path, InvalidField e) {
        Node at = ctx;
        String atPath = path;
        for (String k : e.key()) {
            at = valueOf(at, k);
            if (at == null) break;
            atPath = child(atPath, k);
        }
        if (at != null && at != ctx) problem(at, atPath, at instanceof ScalarNode ? show(at) : e.value(), e.rule());
        else if (ctx instanceof ScalarNode) problem(ctx, path, show(ctx), e.rule());
        else problem(ctx, path, e.field().isEmpty() ? e.value() : e.field() + ": " + e.value(), e.rule());
    }

    private static Node valueOf(Node mapping, String key) {
        if (!(mapping instanceof MappingNode m)) return null;
        for (NodeTuple t : m.getValue()) if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) return t.getValueNode();
        return null;
    }

    // ---------------------------------------------------------------- mappings

    /** A mapping whose keys were checked against the allowed set. */
    final class Fields {
        final Node node;
        final String path;
        private final Map<String, Node> values = new LinkedHashMap<>();
        private final Map<String, Node> keys = new LinkedHashMap<>();

        private Fields(Node node, String path) { this.node = node; this.path = path; }

        boolean has(String key) { return values.containsKey(key); }
        Node node(String key) { return values.get(key); }
        Node keyNode(String key) { return keys.get(key); }
        String path(String key) { return child(path, key); }

        <T> T req(String key, Reader<T> reader) {
            Node v = values.get(key);
            if (v == null) { problem(node, path(key), "missing (required)"); return null; }
            mark(v, path(key));
            return reader.read(v, path(key));
        }

        <T> T opt(String key, Reader<T> reader, T fallback) {
            Node v = values.get(key);
            if (v == null) return fallback;
            mark(v, path(key));
            return reader.read(v, path(key));
        }

        /** Absent or {@code none}: empty; a bad value: null (a problem was recorded). */
        <T> Optional<T> optNone(String key, Reader<T> reader) {
            Node v = values.get(key);
            if (v == null || (v instanceof ScalarNode s && s.getValue().equals("none"))) return Optional.empty();
            mark(v, path(key));
            T t = reader.read(v, path(key));
            return t == null ? null : Optional.of(t);
        }
    }

    Fields fields(Node n, String path, Collection<String> allowed, String what) {
        if (!(n instanceof MappingNode m)) {
            problem(n, path, show(n), what);
            return null;
        }
        mark(n, path);
        Fields f = new Fields(n, path);
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) { problem(t.getKeyNode(), path, "a complex key (expected: a plain key)"); continue; }
            String key = k.getValue();
            if (f.keys.containsKey(key)) {
                problem(k, child(path, key), "duplicate key (first at line " + (f.keys.get(key).getStartMark().map(Mark::getLine).orElse(0) + 1) + ")");
                continue;
            }
            if (!allowed.contains(key)) { unknownKey(k, path, key, allowed); continue; }
            f.keys.put(key, k);
            f.values.put(key, t.getValueNode());
        }
        return f;
    }

    private void unknownKey(Node keyNode, String path, String key, Collection<String> allowed) {
        String guess = Suggest.closest(key, allowed);
        problem(keyNode, child(path, key), "unknown key (" + (guess == null ? "" : "did you mean '" + guess + "'? ")
                + "allowed: " + String.join(", ", allowed) + ")");
    }

    /** A scalar name from {@code scalars} or a single-key mapping {@code {name: value}} with a name from {@code mappings}. */
    record Variant(String name, Node value, String path) {}

    Variant variant(Node n, String path, List<String> scalars, List<String> mappings) {
        List<String> all = new ArrayList<>(scalars);
        for (String m : mappings) all.add("{" + m + ": ...}");
        String expected = "one of " + String.join(", ", all);
        if (n instanceof ScalarNode s && !isNull(s)) {
            if (scalars.contains(s.getValue())) return new Variant(s.getValue(), null, path);
            List<String> names = new ArrayList<>(scalars);
            names.addAll(mappings);
            String guess = mappings.contains(s.getValue()) ? null : Suggest.closest(s.getValue(), names);
            problem(n, path, s.getValue(), expected + (guess == null ? "" : "; did you mean '" + guess + "'?"));
            return null;
        }
        if (n instanceof MappingNode m && m.getValue().size() == 1 && m.getValue().get(0).getKeyNode() instanceof ScalarNode k) {
            Node v = m.getValue().get(0).getValueNode();
            if (mappings.contains(k.getValue())) {
                mark(v, child(path, k.getValue()));
                return new Variant(k.getValue(), v, child(path, k.getValue()));
            }
            unknownKey(k, path, k.getValue(), mappings);
            return null;
        }
        if (n instanceof MappingNode m && !m.getValue().isEmpty()) {
            String keys = m.getValue().stream().map(t -> show(t.getKeyNode())).collect(Collectors.joining(", "));
            problem(n, path, "a mapping with keys " + keys, "exactly one key, " + expected);
            return null;
        }
        problem(n, path, show(n), expected);
        return null;
    }

    <T> Reader<List<T>> list(Reader<T> element, String what, boolean nonEmpty) {
        return (n, path) -> {
            if (!(n instanceof SequenceNode s)) { problem(n, path, show(n), "a list of " + what); return null; }
            if (nonEmpty && s.getValue().isEmpty()) { problem(n, path, "[] (expected: at least one of " + what + ")"); return null; }
            List<T> out = new ArrayList<>();
            boolean failed = false;
            for (int i = 0; i < s.getValue().size(); i++) {
                Node e = s.getValue().get(i);
                String p = path + "[" + i + "]";
                mark(e, p);
                T t = element.read(e, p);
                if (t == null) failed = true; else out.add(t);
            }
            return failed ? null : out;
        };
    }

    // ---------------------------------------------------------------- scalars

    private String scalar(Node n, String path, String expected) {
        if (n instanceof ScalarNode s && !isNull(s)) return s.getValue();
        problem(n, path, show(n), expected);
        return null;
    }

    String string(Node n, String path) { return scalar(n, path, "a string"); }

    Integer integer(Node n, String path) {
        String s = scalar(n, path, "an integer");
        if (s == null) return null;
        if (INTEGER.matcher(s).matches()) {
            try { return Integer.parseInt(s.startsWith("+") ? s.substring(1) : s); } catch (NumberFormatException ignored) { /* too large */ }
        }
        problem(n, path, s, "an integer" + (INTEGER.matcher(s).matches() ? " of at most " + Integer.MAX_VALUE : ""));
        return null;
    }

    Reader<Integer> atLeast(int min) {
        return (n, path) -> {
            Integer v = integer(n, path);
            if (v != null && v < min) { problem(n, path, show(n), ">= " + min); return null; }
            return v;
        };
    }

    Long longInteger(Node n, String path) {
        String s = scalar(n, path, "an integer");
        if (s == null) return null;
        if (INTEGER.matcher(s).matches()) {
            try { return Long.parseLong(s.startsWith("+") ? s.substring(1) : s); } catch (NumberFormatException ignored) { /* too large */ }
        }
        problem(n, path, s, "a 64-bit integer");
        return null;
    }

    Double number(Node n, String path) {
        String s = scalar(n, path, "a number");
        if (s == null) return null;
        if (!NUMBER.matcher(s).matches()) {
            problem(n, path, s, "a number" + (s.endsWith("%") ? ", a share is written 0.05 not 5%" : ""));
            return null;
        }
        return Double.parseDouble(s);
    }

    Boolean bool(Node n, String path) {
        String s = scalar(n, path, "true or false");
        if (s == null) return null;
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        problem(n, path, s, "true or false");
        return null;
    }

    Duration duration(Node n, String path) {
        String s = scalar(n, path, Units.DURATION_RULE);
        if (s == null) return null;
        try { return Units.parseDuration(s); } catch (InvalidField e) { problem(n, path, s, e.rule()); return null; }
    }

    Rate rate(Node n, String path) {
        String s = scalar(n, path, Units.RATE_RULE);
        if (s == null) return null;
        try {
            double perSecond = Units.parseRatePerSecond(s);
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) { problem(n, path, s, "> 0/s"); return null; }
            return new Rate(perSecond);
        } catch (InvalidField e) { problem(n, path, s, e.rule()); return null; }
    }

    Long size(Node n, String path) {
        String s = scalar(n, path, Units.SIZE_RULE);
        if (s == null) return null;
        try { return Units.parseSize(s); } catch (InvalidField e) { problem(n, path, s, e.rule()); return null; }
    }

    Long byteRate(Node n, String path) {
        String s = scalar(n, path, Units.BYTE_RATE_RULE);
        if (s == null) return null;
        try { return Units.parseByteRate(s); } catch (InvalidField e) { problem(n, path, s, e.rule()); return null; }
    }

    <E> Reader<E> choice(Map<String, E> options) {
        return (n, path) -> {
            String s = scalar(n, path, "one of " + String.join(", ", options.keySet()));
            if (s == null) return null;
            E e = options.get(s);
            if (e != null) return e;
            String guess = Suggest.closest(s, options.keySet());
            problem(n, path, s, "one of " + String.join(", ", options.keySet()) + (guess == null ? "" : "; did you mean '" + guess + "'?"));
            return null;
        };
    }

    // ---------------------------------------------------------------- the scenario

    Scenario scenario(Node root, String defaultName) {
        Fields f = fields(root, "", FormatKeys.of("scenario"), "a mapping of scenario fields (name, load, pipeline, ...)");
        if (f == null) return null;
        String name = f.opt("name", this::string, defaultName);
        String description = f.opt("description", this::string, Defaults.DESCRIPTION);
        Long seed = f.opt("seed", this::longInteger, Defaults.SEED);
        Phases phases = f.opt("phases", this::phases, new Phases(Defaults.WARMUP, Defaults.MEASURE, Defaults.COOLDOWN));
        LoadSpec load = f.req("load", this::load);
        KeySpec keys = f.opt("keys", this::keys, Defaults.KEYS);
        List<StageConfig> pipeline = new ArrayList<>();
        List<PipelineGraph.Node> nodes = f.req("pipeline", (n, p) -> path(n, p, pipeline));
        PipelineGraph graph = nodes == null ? null : build(f.node("pipeline"), "pipeline", () -> new PipelineGraph(nodes), nodes);
        if (graph == null) pipeline.clear();
        DownstreamSpec downstream = f.opt("downstream", this::downstream, new DownstreamSpec(Defaults.DOWNSTREAM_CONNECTIONS, Defaults.DOWNSTREAM_ERROR_RATE));
        List<FaultSpec> faults = f.opt("faults", list(this::fault, "faults", false), List.of());
        List<SloSpec> slos = f.opt("slos", list(this::slo, "SLOs", false), Defaults.SLOS);
        SweepSpec sweep = pipeline.isEmpty() ? null : f.opt("sweep", (n, p) -> sweep(n, p, pipeline), defaultSweep(pipeline));
        if (pipeline.isEmpty() && f.has("sweep")) sweep(f.node("sweep"), "sweep", null); // still report its own problems
        io.fanlab.reports.analysis.Gate gate = f.opt("gate", this::gate, Defaults.GATE);
        io.fanlab.reports.compare.Tolerances compare = f.opt("compare", this::compare, Defaults.COMPARE);
        CaptureSpec capture = f.opt("capture", this::capture, Defaults.CAPTURE);
        return build(root, "", () -> new Scenario(name, description, seed, phases, load, keys, pipeline, downstream, faults, slos, sweep, gate, compare, capture, graph),
                name, description, seed, phases, load, keys, graph, downstream, faults, slos, sweep, gate, compare, capture);
    }

    private Phases phases(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("phases"), "a mapping {warmup, measure, cooldown, cancel}");
        if (f == null) return null;
        Duration warmup = f.opt("warmup", this::duration, Defaults.WARMUP);
        Duration measure = f.opt("measure", this::duration, Defaults.MEASURE);
        Duration cooldown = f.opt("cooldown", this::duration, Defaults.COOLDOWN);
        CancelAt cancel = f.opt("cancel", this::cancelAt, Defaults.CANCEL);
        return build(n, path, () -> new Phases(warmup, measure, cooldown, cancel), warmup, measure, cooldown, cancel);
    }

    static final String CANCEL_RULE = "after_cooldown, end_of_measure, or a duration on the point's timeline like 5s";

    private CancelAt cancelAt(Node n, String path) {
        String s = scalar(n, path, CANCEL_RULE);
        if (s == null) return null;
        if (s.equals("after_cooldown")) return CancelAt.AFTER_COOLDOWN;
        if (s.equals("end_of_measure")) return CancelAt.END_OF_MEASURE;
        try {
            return new CancelAt.At(Units.parseDuration(s));
        } catch (IllegalArgumentException e) {
            problem(n, path, s, CANCEL_RULE);
            return null;
        }
    }

    private LoadSpec load(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("load"), "a mapping with open or closed");
        if (f == null) return null;
        Integer fanout = f.opt("fanout", this::integer, Defaults.FANOUT);
        LoadSpec.Join join = f.opt("join", this::join, Defaults.JOIN);
        if (f.has("open") && f.has("closed")) {
            problem(f.keyNode("closed"), f.path("closed"), "given with open (expected: exactly one load model, open or closed)");
            return null;
        }
        if (f.has("trace") && (f.has("open") || f.has("closed"))) {
            problem(f.keyNode("trace"), f.path("trace"), "given with " + (f.has("open") ? "open" : "closed"), "exactly one load model, open, closed or trace");
            return null;
        }
        if (f.has("speed") && !f.has("trace")) {
            problem(f.keyNode("speed"), f.path("speed"), "without trace (expected: speed only beside trace: file.csv)");
            return null;
        }
        if (f.has("trace")) {
            Double speed = f.opt("speed", this::number, Defaults.TRACE_SPEED);
            io.fanlab.harness.load.RecordedTrace trace = f.req("trace", this::trace);
            if (speed != null && !(speed > 0 && !Double.isInfinite(speed))) {
                problem(f.node("speed"), f.path("speed"), speed, "finite > 0; 2.0 replays twice as fast");
                return null;
            }
            return build(n, path, () -> new LoadSpec.Open(new LoadSpec.Arrival.Trace(trace, speed), fanout, join), trace, speed, fanout, join);
        }
        if (f.has("open")) {
            LoadSpec.Arrival arrival = f.req("open", this::open);
            return build(n, path, () -> new LoadSpec.Open(arrival, fanout, join), arrival, fanout, join);
        }
        if (f.has("closed")) {
            Fields c = f.req("closed", (cn, cp) -> fields(cn, cp, FormatKeys.of("closed"), "a mapping {users, think}"));
            if (c == null) return null;
            Integer users = c.req("users", atLeast(1));
            Distribution think = c.opt("think", this::distribution, Defaults.THINK);
            return build(n, path, () -> new LoadSpec.Closed(users, think, fanout, join), users, think, fanout, join);
        }
        problem(n, path, "no load model (expected: open: {arrival, rate}, closed: {users, think} or trace: file.csv)");
        return null;
    }

    /** {@code load.trace}: a CSV of recorded arrivals, relative to the scenario's folder; bad rows are problems at file:line:col of the CSV. */
    private io.fanlab.harness.load.RecordedTrace trace(Node n, String path) {
        String s = string(n, path);
        if (s == null) return null;
        Path csv = baseDir.resolve(s).normalize();
        try {
            return io.fanlab.harness.load.RecordedTrace.load(csv);
        } catch (io.fanlab.harness.load.RecordedTrace.BadRows e) {
            for (var r : e.problems()) problems.add(new Problem(csv, r.line(), r.column(), path, r.message()));
        } catch (IOException e) {
            problem(n, path, s, "a readable CSV of arrivals, relative to the scenario's folder; "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + " " + e.getMessage()));
        }
        return null;
    }

    private LoadSpec.Arrival open(Node n, String path) {
        Node an = valueOf(n, "arrival");
        String arrival = an == null ? Defaults.ARRIVAL
                : choice(FormatKeys.OPEN_BY_ARRIVAL.keySet().stream().collect(Collectors.toMap(k -> k, k -> k, (a, b) -> a, LinkedHashMap::new))).read(an, child(path, "arrival"));
        Fields f = fields(n, path, FormatKeys.of("open"), "a mapping {arrival, rate, ...}");
        if (f == null || arrival == null) return null;
        Set<String> used = FormatKeys.OPEN_BY_ARRIVAL.get(arrival);
        boolean extra = false;
        for (String key : f.keys.keySet()) {
            if (used.contains(key)) continue;
            problem(f.keyNode(key), f.path(key), "not used by arrival: " + arrival + " (allowed: " + String.join(", ", used) + ")");
            extra = true;
        }
        if (extra) return null;
        return switch (arrival) {
            case "constant" -> { Rate r = f.req("rate", this::rate); yield build(n, path, () -> new LoadSpec.Arrival.Constant(r), r); }
            case "poisson" -> { Rate r = f.req("rate", this::rate); yield build(n, path, () -> new LoadSpec.Arrival.Poisson(r), r); }
            case "ramp" -> {
                Rate from = f.req("from", this::rate);
                Rate to = f.req("to", this::rate);
                Duration over = f.req("over", this::duration);
                yield build(n, path, () -> new LoadSpec.Arrival.Ramp(from, to, over), from, to, over);
            }
            case "steps" -> {
                List<LoadSpec.Arrival.Steps.Step> steps = f.req("steps", list(this::step, "steps {rate, duration}", true));
                yield build(n, path, () -> new LoadSpec.Arrival.Steps(steps), steps);
            }
            default -> {
                Rate rate = f.req("rate", this::rate);
                Double factor = f.req("factor", this::number);
                Duration at = f.req("at", this::duration);
                Duration duration = f.req("duration", this::duration);
                yield build(n, path, () -> new LoadSpec.Arrival.Spike(rate, factor, at, duration), rate, factor, at, duration);
            }
        };
    }

    private LoadSpec.Arrival.Steps.Step step(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("step"), "a mapping {rate, duration}");
        if (f == null) return null;
        Rate rate = f.req("rate", this::rate);
        Duration duration = f.req("duration", this::duration);
        return build(n, path, () -> new LoadSpec.Arrival.Steps.Step(rate, duration), rate, duration);
    }

    private LoadSpec.Join join(Node n, String path) {
        String s = scalar(n, path, "one of all, first, quorum(N)");
        if (s == null) return null;
        if (s.equals("all")) return new LoadSpec.Join.All();
        if (s.equals("first")) return new LoadSpec.Join.First();
        Matcher m = QUORUM.matcher(s);
        if (m.matches()) {
            try {
                int q = Integer.parseInt(m.group(1));
                return build(n, path, () -> new LoadSpec.Join.Quorum(q));
            } catch (NumberFormatException e) { /* falls through to the problem below */ }
        }
        problem(n, path, s, "one of all, first, quorum(N)");
        return null;
    }

    private KeySpec keys(Node n, String path) {
        Variant v = variant(n, path, List.of("none"), List.of("uniform", "zipf", "hot_key"));
        if (v == null) return null;
        switch (v.name()) {
            case "none": return new KeySpec.None();
            case "uniform": {
                Integer k = integer(v.value(), v.path());
                return build(v.value(), v.path(), () -> new KeySpec.Uniform(k), k);
            }
            case "zipf": {
                Fields f = fields(v.value(), v.path(), FormatKeys.of("keys_zipf"), "a mapping {n, s}");
                if (f == null) return null;
                Integer k = f.req("n", this::integer);
                Double s = f.req("s", this::number);
                return build(v.value(), v.path(), () -> new KeySpec.Zipf(k, s), k, s);
            }
            default: {
                Fields f = fields(v.value(), v.path(), FormatKeys.of("keys_hot_key"), "a mapping {n, share}");
                if (f == null) return null;
                Integer k = f.req("n", this::integer);
                Double share = f.req("share", this::number);
                return build(v.value(), v.path(), () -> new KeySpec.HotKey(k, share), k, share);
            }
        }
    }

    // ---------------------------------------------------------------- pipeline graph

    /** Route and loop names seen so far, with their name node (duplicates are reported at the second). */
    private final Map<String, Node> graphNames = new HashMap<>();

    /**
     * A path of the pipeline: stages, {@code route: {...}} and {@code loop: {...}} steps. Stages are appended to
     * {@code flat} in document order and referred to by index. Null after a problem.
     */
    private List<PipelineGraph.Node> path(Node n, String path, List<StageConfig> flat) {
        if (!(n instanceof SequenceNode s)) { problem(n, path, show(n), "a list of stages, routes and loops"); return null; }
        if (s.getValue().isEmpty()) { problem(n, path, "[]", "at least one stage"); return null; }
        List<PipelineGraph.Node> out = new ArrayList<>();
        boolean failed = false;
        for (int i = 0; i < s.getValue().size(); i++) {
            Node e = s.getValue().get(i);
            String p = path + "[" + i + "]";
            mark(e, p);
            PipelineGraph.Node node;
            if (e instanceof MappingNode m && !m.getValue().isEmpty() && m.getValue().get(0).getKeyNode() instanceof ScalarNode k
                    && (k.getValue().equals("route") || k.getValue().equals("loop"))) {
                Variant v = variant(e, p, List.of(), List.of("route", "loop"));
                node = v == null ? null : v.name().equals("route") ? route(v.value(), v.path(), flat) : loop(v.value(), v.path(), flat);
            } else {
                StageConfig c = stage(e, p);
                if (c != null) flat.add(c);
                node = c == null ? null : new PipelineGraph.Stage(flat.size() - 1);
            }
            if (node == null) failed = true; else out.add(node);
        }
        return failed ? null : out;
    }

    private String graphName(Fields f) {
        String name = f.req("name", this::string);
        if (name == null) return null;
        if (!PipelineGraph.NAME.matcher(name).matches()) { // the rule of PipelineGraph's, reported at the name
            problem(f.node("name"), f.path("name"), "'" + name + "'", PipelineGraph.NAME_RULE);
            return null;
        }
        Node first = graphNames.putIfAbsent(name, f.node("name"));
        if (first != null) {
            problem(f.node("name"), f.path("name"), name, "a name no other route or loop has (first at line "
                    + (first.getStartMark().map(Mark::getLine).orElse(0) + 1) + ")");
            return null;
        }
        return name;
    }

    private PipelineGraph.Node route(Node n, String path, List<StageConfig> flat) {
        Fields f = fields(n, path, FormatKeys.of("route"), "a mapping {name, when, a, b}");
        if (f == null) return null;
        String name = graphName(f);
        PipelineGraph.When when = f.req("when", this::when);
        List<PipelineGraph.Node> a = f.req("a", (an, ap) -> path(an, ap, flat));
        List<PipelineGraph.Node> b = f.req("b", (bn, bp) -> path(bn, bp, flat));
        return build(n, path, () -> new PipelineGraph.Route(name, when, a, b), name, when, a, b);
    }

    private PipelineGraph.When when(Node n, String path) {
        Variant v = variant(n, path, List.of(), List.copyOf(FormatKeys.of("route_when")));
        if (v == null) return null;
        if (v.name().equals("fraction")) {
            Double share = number(v.value(), v.path());
            return build(v.value(), v.path(), () -> new PipelineGraph.Fraction(share), share);
        }
        Long k = longInteger(v.value(), v.path());
        return build(v.value(), v.path(), () -> new PipelineGraph.KeyBelow(k), k);
    }

    private PipelineGraph.Node loop(Node n, String path, List<StageConfig> flat) {
        Fields f = fields(n, path, FormatKeys.of("loop"), "a mapping {name, body, again: {probability, max}}");
        if (f == null) return null;
        String name = graphName(f);
        List<PipelineGraph.Node> body = f.req("body", (bn, bp) -> path(bn, bp, flat));
        Fields again = f.req("again", (an, ap) -> fields(an, ap, FormatKeys.of("loop_again"), "a mapping {probability, max}: a loop needs a bound"));
        if (again == null) return null;
        Double probability = again.req("probability", this::number);
        if (!again.has("max")) {
            problem(again.node, again.path("max"), "missing", "a bound, the most times an item goes round again, e.g. max: 3 (a loop without one could circle forever)");
            return null;
        }
        Integer max = again.req("max", atLeast(1));
        // the record's keys are again and max; in the file both sit under again
        return build(again.node, again.path, () -> new PipelineGraph.Loop(name, body, probability, max), name, body, probability, max);
    }

    // ---------------------------------------------------------------- stages

    private static final Map<String, ThreadKind> THREADS = ordered("platform", ThreadKind.PLATFORM, "virtual", ThreadKind.VIRTUAL);
    private static final Map<String, ErrorPolicy> ON_ERROR = ordered("continue", ErrorPolicy.CONTINUE, "fail_fast", ErrorPolicy.FAIL_FAST, "dead_letter", ErrorPolicy.DEAD_LETTER);
    private static final Map<String, SloSpec.Metric> METRICS = ordered("response", SloSpec.Metric.RESPONSE, "service", SloSpec.Metric.SERVICE, "request", SloSpec.Metric.REQUEST);

    private StageConfig stage(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("stage"), "a stage mapping {name, width, work, ...}");
        if (f == null) return null;
        String name = f.req("name", this::string);
        Integer width = f.opt("width", this::integer, Defaults.WIDTH);
        ThreadKind threads = f.opt("threads", choice(THREADS), Defaults.THREADS);
        Integer queue = f.opt("queue", this::integer, Defaults.QUEUE);
        Order order = f.opt("order", this::order, Defaults.ORDER);
        Dispatch dispatch = f.opt("dispatch", this::dispatch, Defaults.DISPATCH);
        Admission admission = f.opt("admission", this::admission, Defaults.ADMISSION);
        ErrorPolicy onError = f.opt("on_error", choice(ON_ERROR), Defaults.ON_ERROR);
        Optional<Duration> timeout = f.optNone("timeout", this::duration);
        RetryPolicy retry = f.opt("retry", this::retry, Defaults.RETRY);
        Optional<HedgePolicy> hedge = f.optNone("hedge", this::hedge);
        Optional<LimitSpec> limit = f.optNone("limit", this::limit);
        Optional<RateLimit> rateLimit = f.optNone("rate_limit", this::rateLimit);
        Optional<Bulkhead> bulkhead = f.optNone("bulkhead", this::bulkhead);
        Boolean perKey = f.opt("per_key", this::bool, Defaults.PER_KEY);
        WorkSpec work = f.req("work", this::work);
        Double errorRate = f.opt("error_rate", this::number, Defaults.ERROR_RATE);
        StageSpec spec = build(n, path, () -> new StageSpec(name, width, threads, queue, order, dispatch, admission, onError,
                timeout, retry, hedge, limit, rateLimit, bulkhead, perKey),
                name, width, threads, queue, order, dispatch, admission, onError, timeout, retry, hedge, limit, rateLimit, bulkhead, perKey);
        return build(n, path, () -> new StageConfig(spec, work, errorRate), spec, work, errorRate);
    }

    private Order order(Node n, String path) {
        Variant v = variant(n, path, List.of("unordered"), List.of("ordered"));
        if (v == null) return null;
        if (v.name().equals("unordered")) return Order.UNORDERED;
        Fields f = fields(v.value(), v.path(), FormatKeys.of("order_ordered"), "a mapping {window}");
        if (f == null) return null;
        Integer window = f.req("window", this::integer);
        return build(v.value(), v.path(), () -> new Order.Ordered(window), window);
    }

    private Dispatch dispatch(Node n, String path) {
        Variant v = variant(n, path, List.of("shared", "sharded", "work_stealing"), List.of("batched"));
        if (v == null) return null;
        switch (v.name()) {
            case "shared": return Dispatch.SHARED;
            case "sharded": return new Dispatch.Sharded();
            case "work_stealing": return new Dispatch.WorkStealing();
            default: {
                Fields f = fields(v.value(), v.path(), FormatKeys.of("dispatch_batched"), "a mapping {size, adaptive}");
                if (f == null) return null;
                Integer size = f.req("size", this::integer);
                Boolean adaptive = f.opt("adaptive", this::bool, Defaults.BATCH_ADAPTIVE);
                return build(v.value(), v.path(), () -> new Dispatch.Batched(size, adaptive), size, adaptive);
            }
        }
    }

    private Admission admission(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("admission"), "a mapping {overflow, queue_deadline}");
        if (f == null) return null;
        Admission.Overflow overflow = f.opt("overflow", this::overflow, Defaults.ADMISSION.overflow());
        Optional<Duration> deadline = f.optNone("queue_deadline", this::duration);
        return build(n, path, () -> new Admission(overflow, deadline), overflow, deadline);
    }

    private Admission.Overflow overflow(Node n, String path) {
        Variant v = variant(n, path, List.of("block", "drop_newest", "drop_oldest"), List.of("probabilistic"));
        if (v == null) return null;
        switch (v.name()) {
            case "block": return new Admission.Overflow.Block();
            case "drop_newest": return new Admission.Overflow.DropNewest();
            case "drop_oldest": return new Admission.Overflow.DropOldest();
            default: {
                Fields f = fields(v.value(), v.path(), FormatKeys.of("overflow_probabilistic"), "a mapping {threshold}");
                if (f == null) return null;
                Double threshold = f.req("threshold", this::number);
                return build(v.value(), v.path(), () -> new Admission.Overflow.Probabilistic(threshold), threshold);
            }
        }
    }

    private RetryPolicy retry(Node n, String path) {
        if (n instanceof ScalarNode s && s.getValue().equals("none")) return RetryPolicy.NONE;
        Fields f = fields(n, path, FormatKeys.of("retry"), "none or a mapping {max_attempts, backoff, max_backoff, jitter, budget}");
        if (f == null) return null;
        Integer maxAttempts = f.req("max_attempts", this::integer);
        Duration backoff = f.opt("backoff", this::duration, Defaults.RETRY_BACKOFF);
        Duration maxBackoff = backoff == null ? null
                : f.opt("max_backoff", this::duration, backoff.isNegative() ? backoff : backoff.multipliedBy(Defaults.RETRY_MAX_BACKOFF_FACTOR));
        Double jitter = f.opt("jitter", this::number, Defaults.RETRY_JITTER);
        Double budget = f.opt("budget", this::number, Defaults.RETRY_BUDGET);
        return build(n, path, () -> new RetryPolicy(maxAttempts, backoff, maxBackoff, jitter, budget), maxAttempts, backoff, maxBackoff, jitter, budget);
    }

    private HedgePolicy hedge(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("hedge"), "none or a mapping {delay or percentile, budget}");
        if (f == null) return null;
        if (f.has("delay") && f.has("percentile")) {
            problem(f.keyNode("percentile"), f.path("percentile"), "given with delay (expected: either a fixed delay or a live percentile)");
            return null;
        }
        Optional<Duration> delay = f.has("delay") ? Optional.ofNullable(f.req("delay", this::duration)) : Optional.empty();
        if (f.has("delay") && delay.isEmpty()) return null;
        Double percentile = f.opt("percentile", this::number, Defaults.HEDGE_PERCENTILE);
        Double budget = f.opt("budget", this::number, Defaults.HEDGE_BUDGET);
        return build(n, path, () -> new HedgePolicy(delay, percentile, budget), percentile, budget);
    }

    private LimitSpec limit(Node n, String path) {
        Variant v = variant(n, path, List.of(), List.of("fixed", "aimd", "gradient", "vegas"));
        if (v == null) return null;
        if (v.name().equals("fixed")) {
            Integer limit = integer(v.value(), v.path());
            return build(v.value(), v.path(), () -> new LimitSpec.Fixed(limit), limit);
        }
        Fields f = fields(v.value(), v.path(), FormatKeys.of("limit_" + v.name()), "a mapping " + FormatKeys.of("limit_" + v.name()));
        if (f == null) return null;
        Integer initial = f.req("initial", this::integer);
        Integer min = f.opt("min", this::integer, Defaults.LIMIT_MIN);
        Integer max = f.req("max", this::integer);
        return switch (v.name()) {
            case "aimd" -> {
                Double backoff = f.opt("backoff", this::number, Defaults.AIMD_BACKOFF);
                Duration timeout = f.opt("timeout", this::duration, Defaults.AIMD_TIMEOUT);
                yield build(v.value(), v.path(), () -> new LimitSpec.Aimd(initial, min, max, backoff, timeout), initial, min, max, backoff, timeout);
            }
            case "gradient" -> {
                Double tolerance = f.opt("tolerance", this::number, Defaults.GRADIENT_TOLERANCE);
                Integer queueSize = f.opt("queue_size", this::integer, Defaults.GRADIENT_QUEUE_SIZE);
                yield build(v.value(), v.path(), () -> new LimitSpec.Gradient(initial, min, max, tolerance, queueSize), initial, min, max, tolerance, queueSize);
            }
            default -> build(v.value(), v.path(), () -> new LimitSpec.Vegas(initial, min, max), initial, min, max);
        };
    }

    private RateLimit rateLimit(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("rate_limit"), "none or a mapping {rate, burst}");
        if (f == null) return null;
        Rate rate = f.req("rate", this::rate);
        Integer burst = f.opt("burst", this::integer, Defaults.RATE_LIMIT_BURST);
        return build(n, path, () -> new RateLimit(rate.perSecond(), burst), rate, burst);
    }

    private Bulkhead bulkhead(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("bulkhead"), "none or a mapping {shares, burst}");
        if (f == null) return null;
        Map<String, Double> shares = f.req("shares", this::shares);
        Boolean burst = f.opt("burst", this::bool, Defaults.BULKHEAD_BURST);
        return build(n, path, () -> new Bulkhead(shares, burst), shares, burst);
    }

    private Map<String, Double> shares(Node n, String path) {
        if (!(n instanceof MappingNode m) || m.getValue().isEmpty()) { problem(n, path, show(n), "a mapping tenant: share, e.g. {gold: 0.5}"); return null; }
        Map<String, Double> out = new LinkedHashMap<>();
        boolean failed = false;
        for (NodeTuple t : m.getValue()) {
            String tenant = string(t.getKeyNode(), path);
            if (tenant == null) { failed = true; continue; }
            if (out.containsKey(tenant)) { problem(t.getKeyNode(), child(path, tenant), "duplicate key"); failed = true; continue; }
            mark(t.getValueNode(), child(path, tenant));
            Double share = number(t.getValueNode(), child(path, tenant));
            if (share == null) failed = true; else out.put(tenant, share);
        }
        return failed ? null : out;
    }

    private WorkSpec work(Node n, String path) {
        Variant v = variant(n, path, List.of(), FormatKeys.WORK);
        if (v == null) return null;
        if (v.name().equals("alloc")) {
            Fields f = fields(v.value(), v.path(), FormatKeys.of("work_alloc"), "a mapping {bytes, time}");
            if (f == null) return null;
            Long bytes = f.req("bytes", this::size);
            Distribution time = f.req("time", this::distribution);
            return build(v.value(), v.path(), () -> new WorkSpec.Alloc(bytes, time), bytes, time);
        }
        Distribution d = distribution(v.value(), v.path());
        return switch (v.name()) {
            case "cpu" -> build(v.value(), v.path(), () -> new WorkSpec.Cpu(d), d);
            case "sleep" -> build(v.value(), v.path(), () -> new WorkSpec.Sleep(d), d);
            default -> build(v.value(), v.path(), () -> new WorkSpec.Http(d), d);
        };
    }

    /** Mixtures may nest; an alias can make them recursive, so nesting is bounded. */
    private static final int MAX_NESTING = 16;
    private int nesting;

    Distribution distribution(Node n, String path) {
        if (nesting >= MAX_NESTING) {
            problem(n, path, "nested " + MAX_NESTING + " levels deep (expected: fewer; is an alias (*name) referring to itself?)");
            return null;
        }
        nesting++;
        try {
            Variant v = variant(n, path, List.of(), FormatKeys.DISTRIBUTIONS);
            if (v == null) return null;
            return distribution(v.name(), v.value(), v.path(), n, path);
        } finally {
            nesting--;
        }
    }

    private Distribution distribution(String kind, Node vn, String vp, Node n, String path) {
        switch (kind) {
            case "constant": { Duration d = duration(vn, vp); return build(vn, vp, () -> new Distribution.Constant(d), d); }
            case "exponential": { Duration d = duration(vn, vp); return build(vn, vp, () -> new Distribution.Exponential(d), d); }
            case "uniform": {
                Fields f = fields(vn, vp, FormatKeys.of("dist_uniform"), "a mapping {min, max}");
                if (f == null) return null;
                Duration min = f.req("min", this::duration);
                Duration max = f.req("max", this::duration);
                return build(vn, vp, () -> new Distribution.Uniform(min, max), min, max);
            }
            case "lognormal": {
                Fields f = fields(vn, vp, FormatKeys.of("dist_lognormal"), "a mapping {median, p99}");
                if (f == null) return null;
                Duration median = f.req("median", this::duration);
                Duration p99 = f.req("p99", this::duration);
                return build(vn, vp, () -> new Distribution.LogNormal(median, p99), median, p99);
            }
            case "pareto": {
                Fields f = fields(vn, vp, FormatKeys.of("dist_pareto"), "a mapping {scale, shape}");
                if (f == null) return null;
                Duration scale = f.req("scale", this::duration);
                Double shape = f.req("shape", this::number);
                return build(vn, vp, () -> new Distribution.Pareto(scale, shape), scale, shape);
            }
            case "mixture": {
                List<Distribution.Mixture.Component> cs = list(this::component, "components {weight, <distribution>}", true).read(vn, vp);
                return build(n, path, () -> new Distribution.Mixture(cs), cs);
            }
            default: {
                String s = string(vn, vp);
                if (s == null) return null;
                Path csv = baseDir.resolve(s).normalize();
                try {
                    return Distribution.Empirical.load(csv);
                } catch (IOException e) {
                    problem(vn, vp, s, "a readable CSV of durations in ms, relative to the scenario's folder; "
                            + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + " " + e.getMessage()));
                } catch (IllegalArgumentException e) {
                    problem(vn, vp, s, "a CSV of durations in ms; " + e.getMessage());
                }
                return null;
            }
        }
    }

    private Distribution.Mixture.Component component(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("dist_component"), "a mapping {weight, <distribution>}");
        if (f == null) return null;
        Double weight = f.req("weight", this::number);
        List<String> kinds = FormatKeys.DISTRIBUTIONS.stream().filter(f::has).toList();
        if (kinds.size() != 1) {
            problem(n, path, (kinds.isEmpty() ? "no distribution" : "distributions " + String.join(", ", kinds)), "exactly one of " + String.join(", ", FormatKeys.DISTRIBUTIONS) + " beside weight");
            return null;
        }
        String kind = kinds.get(0);
        mark(f.node(kind), f.path(kind));
        if (nesting >= MAX_NESTING) {
            problem(n, path, "nested " + MAX_NESTING + " levels deep (expected: fewer; is an alias (*name) referring to itself?)");
            return null;
        }
        nesting++;
        Distribution d;
        try {
            d = distribution(kind, f.node(kind), f.path(kind), n, path);
        } finally {
            nesting--;
        }
        return build(n, path, () -> new Distribution.Mixture.Component(weight, d), weight, d);
    }

    // ---------------------------------------------------------------- downstream, faults, slos, sweep

    private DownstreamSpec downstream(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("downstream"), "a mapping {connections, error_rate}");
        if (f == null) return null;
        Integer connections = f.opt("connections", this::integer, Defaults.DOWNSTREAM_CONNECTIONS);
        Double errorRate = f.opt("error_rate", this::number, Defaults.DOWNSTREAM_ERROR_RATE);
        return build(n, path, () -> new DownstreamSpec(connections, errorRate), connections, errorRate);
    }

    private FaultSpec fault(Node n, String path) {
        Variant v = variant(n, path, List.of(), FormatKeys.FAULTS);
        if (v == null) return null;
        Node vn = v.value();
        String vp = v.path();
        FaultKind kind = FaultKind.named(v.name()).orElseThrow(); // variant() accepted only FormatKeys.FAULTS
        Fields f = fields(vn, vp, kind.keys(), "a mapping " + kind.keys());
        if (f == null) return null;
        Duration at = f.req("at", this::duration);
        if (kind == FaultKind.ABORT) return build(vn, vp, () -> new FaultSpec.Abort(at, Duration.ZERO), at);
        Duration duration = f.req("duration", this::duration);
        return switch (kind) {
            case LATENCY_SPIKE -> {
                Double factor = f.opt("factor", this::number, Defaults.FAULT_FACTOR);
                Duration added = f.opt("added", this::duration, Defaults.FAULT_ADDED);
                Double fraction = f.opt("fraction", this::number, Defaults.FAULT_FRACTION);
                Optional<String> stage = faultStage(f);
                yield build(vn, vp, () -> new FaultSpec.LatencySpike(at, duration, factor, added, fraction, stage), at, duration, factor, added, fraction, stage);
            }
            case ERROR_INJECTION -> {
                Double rate = f.req("rate", this::number);
                Optional<String> stage = faultStage(f);
                yield build(vn, vp, () -> new FaultSpec.ErrorInjection(at, duration, rate, stage), at, duration, rate, stage);
            }
            case HOT_KEY -> {
                Double share = f.req("share", this::number);
                yield build(vn, vp, () -> new FaultSpec.HotKey(at, duration, share), at, duration, share);
            }
            case DOWNSTREAM_503 -> {
                Double rate = f.req("rate", this::number);
                yield build(vn, vp, () -> new FaultSpec.Downstream503(at, duration, rate), at, duration, rate);
            }
            case DOWNSTREAM_SLOW -> {
                Double factor = f.opt("factor", this::number, Defaults.FAULT_FACTOR);
                Duration added = f.opt("added", this::duration, Defaults.FAULT_ADDED);
                yield build(vn, vp, () -> new FaultSpec.DownstreamSlow(at, duration, factor, added), at, duration, factor, added);
            }
            case WORKER_STALL -> {
                Optional<String> stage = faultStage(f);
                Integer workers = f.opt("workers", this::integer, Defaults.FAULT_WORKERS);
                yield build(vn, vp, () -> new FaultSpec.WorkerStall(at, duration, stage, workers), at, duration, stage, workers);
            }
            case GC_PRESSURE -> {
                Long rate = f.req("rate", this::byteRate);
                yield build(vn, vp, () -> new FaultSpec.GcPressure(at, duration, rate), at, duration, rate);
            }
            case CPU_HOG -> {
                Integer threads = f.opt("threads", this::integer, Defaults.FAULT_THREADS);
                yield build(vn, vp, () -> new FaultSpec.CpuHog(at, duration, threads), at, duration, threads);
            }
            case LOAD_SPIKE -> {
                Double factor = f.req("factor", this::number);
                yield build(vn, vp, () -> new FaultSpec.LoadSpike(at, duration, factor), at, duration, factor);
            }
            case ABORT -> throw new IllegalStateException("abort: bound above");
        };
    }

    private Optional<String> faultStage(Fields f) {
        String s = f.opt("stage", this::string, Defaults.ALL_STAGES);
        if (s == null) return null;
        return s.equals(Defaults.ALL_STAGES) ? Optional.empty() : Optional.of(s);
    }

    private SloSpec slo(Node n, String path) {
        Variant v = variant(n, path, List.of("nothing_lost", "no_leaked_threads"), FormatKeys.SLOS.subList(2, FormatKeys.SLOS.size()));
        if (v == null) return null;
        Node vn = v.value();
        String vp = v.path();
        switch (v.name()) {
            case "nothing_lost": return new SloSpec.NothingLost();
            case "no_leaked_threads": return new SloSpec.NoLeakedThreads();
            case "latency": {
                Fields f = fields(vn, vp, FormatKeys.of("slo_latency"), "a mapping {metric, percentile, max}");
                if (f == null) return null;
                SloSpec.Metric metric = f.opt("metric", choice(METRICS), Defaults.SLO_METRIC);
                Double percentile = f.opt("percentile", this::number, Defaults.SLO_PERCENTILE);
                Duration max = f.req("max", this::duration);
                return build(vn, vp, () -> new SloSpec.Latency(metric, percentile, max), metric, percentile, max);
            }
            case "error_rate": { Double d = number(vn, vp); return build(vn, vp, () -> new SloSpec.ErrorRate(d), d); }
            case "shed_rate": { Double d = number(vn, vp); return build(vn, vp, () -> new SloSpec.ShedRate(d), d); }
            case "throughput_floor": { Rate r = rate(vn, vp); return build(vn, vp, () -> new SloSpec.ThroughputFloor(r), r); }
            default: { Duration d = duration(vn, vp); return build(vn, vp, () -> new SloSpec.CancellationLatency(d), d); }
        }
    }

    /** {@code recommended | every_point | {widths: [16, 32]}}. */
    private io.fanlab.reports.analysis.Gate gate(Node n, String path) {
        Variant v = variant(n, path, List.of("recommended", "every_point"), List.of("widths"));
        if (v == null) return null;
        if (v.name().equals("recommended")) return new io.fanlab.reports.analysis.Gate(io.fanlab.reports.analysis.Gate.Mode.RECOMMENDED, List.of());
        if (v.name().equals("every_point")) return new io.fanlab.reports.analysis.Gate(io.fanlab.reports.analysis.Gate.Mode.EVERY_POINT, List.of());
        List<Integer> ws = list(atLeast(1), "widths", true).read(v.value(), v.path());
        return ws == null ? null : new io.fanlab.reports.analysis.Gate(io.fanlab.reports.analysis.Gate.Mode.WIDTHS, ws);
    }

    /** {@code {throughput: 0.1, p99: 0.25, p999: off, ...}}: shares, or off. */
    private io.fanlab.reports.compare.Tolerances compare(Node n, String path) {
        Fields f = fields(n, path, FormatKeys.of("compare"), "a mapping of metric: tolerance (a share such as 0.1, or off)");
        if (f == null) return null;
        Map<io.fanlab.reports.compare.Metric, Double> m = new java.util.EnumMap<>(io.fanlab.reports.compare.Metric.class);
        boolean ok = true;
        for (io.fanlab.reports.compare.Metric metric : io.fanlab.reports.compare.Metric.values()) {
            if (!f.has(metric.key())) continue;
            Node vn = f.node(metric.key());
            String s = scalar(vn, f.path(metric.key()), "a share >= 0 such as 0.1, or off");
            if (s == null) { ok = false; continue; }
            if (s.equals("off")) { m.put(metric, Double.POSITIVE_INFINITY); continue; }
            if (!NUMBER.matcher(s).matches() || !(Double.parseDouble(s) >= 0)) {
                problem(vn, f.path(metric.key()), s, "a share >= 0 such as 0.1 for 10%" + (s.endsWith("%") ? ", written 0.1 not 10%" : "") + ", or off");
                ok = false;
                continue;
            }
            m.put(metric, Double.parseDouble(s));
        }
        return ok ? Defaults.COMPARE.with(m) : null;
    }

    static SweepSpec defaultSweep(List<StageConfig> pipeline) {
        StageSpec first = pipeline.get(0).spec();
        return new SweepSpec(first.name(), List.of(first.width()), Defaults.DESIGNS, Defaults.REPEATS);
    }

    private SweepSpec sweep(Node n, String path, List<StageConfig> pipeline) {
        Fields f = fields(n, path, FormatKeys.of("sweep"), "a mapping {stage, widths, designs, repeats}");
        if (f == null) return null;
        if (pipeline == null) pipeline = List.of(new StageConfig(StageSpec.named("?"), new WorkSpec.Sleep(Defaults.THINK), 0));
        String stage = f.opt("stage", this::string, pipeline.get(0).spec().name());
        int defaultWidth = pipeline.stream().filter(s -> s.spec().name().equals(stage)).findFirst().orElse(pipeline.get(0)).spec().width();
        List<Integer> widths = f.opt("widths", this::widths, List.of(defaultWidth));
        List<String> designs = f.opt("designs", list(this::string, "design names", true), Defaults.DESIGNS);
        Integer repeats = f.opt("repeats", this::integer, Defaults.REPEATS);
        Boolean abortOnFail = f.opt("abort_on_fail", this::bool, Defaults.ABORT_ON_FAIL);
        return build(n, path, () -> new SweepSpec(stage, widths, designs, repeats, abortOnFail), stage, widths, designs, repeats, abortOnFail);
    }

    // ---------------------------------------------------------------- capture

    private CaptureSpec capture(Node n, String path) {
        if (n instanceof ScalarNode s && s.getValue().equals("none")) return CaptureSpec.NONE;
        Fields f = fields(n, path, FormatKeys.of("capture"), "none or a mapping {jfr, profiler, interval, required}");
        if (f == null) return null;
        Boolean jfr = f.opt("jfr", this::bool, Defaults.CAPTURE_JFR);
        List<CaptureSpec.Event> profiler = f.opt("profiler", this::profilerEvents, Defaults.CAPTURE.profiler());
        Duration interval = f.opt("interval", this::duration, Defaults.CAPTURE_INTERVAL);
        Boolean required = f.opt("required", this::bool, Defaults.CAPTURE_REQUIRED);
        return build(n, path, () -> new CaptureSpec(jfr, profiler, interval, required), jfr, profiler, interval, required);
    }

    private List<CaptureSpec.Event> profilerEvents(Node n, String path) {
        if (n instanceof ScalarNode s && s.getValue().equals("none")) return List.of();
        List<String> names = java.util.Arrays.stream(CaptureSpec.Event.values()).map(e -> e.key).toList();
        return list((e, p) -> {
            String s = scalar(e, p, "one of " + String.join(", ", names));
            if (s == null) return null;
            CaptureSpec.Event ev = CaptureSpec.Event.of(s);
            if (ev == null) {
                String guess = Suggest.closest(s, names);
                problem(e, p, s, "one of " + String.join(", ", names) + (guess == null ? "" : "; did you mean '" + guess + "'?"));
            }
            return ev;
        }, "async-profiler events", false).read(n, path);
    }

    private List<Integer> widths(Node n, String path) {
        if (n instanceof SequenceNode) return list(atLeast(1), "widths", true).read(n, path);
        Variant v = variant(n, path, List.of(), List.of("geometric"));
        if (v == null) return null;
        Fields f = fields(v.value(), v.path(), FormatKeys.of("widths_geometric"), "a mapping {from, to, factor}");
        if (f == null) return null;
        Integer from = f.req("from", atLeast(1));
        Integer to = f.req("to", this::integer);
        Double factor = f.req("factor", this::number);
        if (from == null || to == null || factor == null) return null;
        boolean ok = true;
        if (to < from) { problem(f.node("to"), f.path("to"), to, ">= from " + from); ok = false; }
        if (!(factor > 1) || Double.isInfinite(factor)) { problem(f.node("factor"), f.path("factor"), show(f.node("factor")), "> 1"); ok = false; }
        if (!ok) return null;
        List<Integer> out = new ArrayList<>();
        for (long w = from; w <= to; w = Math.max(w + 1, (long) Math.ceil(w * factor))) out.add((int) w);
        return out;
    }

    private static <E> Map<String, E> ordered(Object... kv) {
        Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked") E e = (E) kv[i + 1];
            m.put((String) kv[i], e);
        }
        return m;
    }

    /** Levenshtein suggestions for misspelt keys and names. */
    static final class Suggest {
        private Suggest() {}

        /** The allowed word nearest to {@code word}, or null when none is plausibly meant. */
        static String closest(String word, Collection<String> allowed) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            String lower = word.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            for (String a : allowed) {
                int d = distance(lower, a.toLowerCase(java.util.Locale.ROOT));
                boolean prefix = lower.length() >= 3 && (a.startsWith(lower) || lower.startsWith(a));
                int limit = Math.max(2, a.length() / 3);
                if ((d <= limit || prefix) && d < bestDistance) { best = a; bestDistance = d; }
            }
            return best;
        }

        static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) prev[j] = j;
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev; prev = cur; cur = t;
            }
            return prev[b.length()];
        }
    }
}
