package io.fanlab.harness.scenario;

import io.fanlab.engine.spec.InvalidField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line changes to a loaded scenario: {@code --widths 1,2,4}, {@code --designs a,b}, {@code --duration 10s}
 * (the measured window) and {@code --seed N}. Empty means "keep the scenario's value". Parse with
 * {@link #parse}, which reports bad text with the same {@code (expected: ...)} messages as the loader, and apply
 * with {@link #apply}, which re-runs {@link ScenarioRules} (a shorter {@code --duration} can push a fault window
 * past the end of the run). Immutable.
 */
public record ScenarioOverrides(Optional<List<Integer>> widths, Optional<List<String>> designs, Optional<Duration> duration, Optional<Long> seed) {
    public ScenarioOverrides {
        widths = widths == null ? Optional.empty() : widths.map(List::copyOf);
        designs = designs == null ? Optional.empty() : designs.map(List::copyOf);
        duration = duration == null ? Optional.empty() : duration;
        seed = seed == null ? Optional.empty() : seed;
    }

    public static final ScenarioOverrides NONE = new ScenarioOverrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * Parses the option texts; a null argument means the option was not given.
     *
     * @throws ScenarioException listing every bad option, paths {@code --widths}, {@code --designs}, ...
     */
    public static ScenarioOverrides parse(String widths, String designs, String duration, String seed) throws ScenarioException {
        List<Problem> problems = new ArrayList<>();
        Optional<List<Integer>> w = Optional.empty();
        if (widths != null) {
            List<Integer> out = new ArrayList<>();
            for (String part : widths.split(",", -1)) {
                String t = part.trim();
                try {
                    int v = Integer.parseInt(t);
                    if (v < 1) problems.add(cli("--widths", t + " (expected: >= 1)"));
                    else if (out.contains(v)) problems.add(cli("--widths", t + " (expected: each width once)"));
                    else out.add(v);
                } catch (NumberFormatException e) {
                    problems.add(cli("--widths", "'" + t + "' (expected: an integer, widths separated by commas, e.g. 1,2,4)"));
                }
            }
            w = Optional.of(out);
        }
        Optional<List<String>> d = Optional.empty();
        if (designs != null) {
            List<String> out = new ArrayList<>();
            for (String part : designs.split(",", -1)) {
                String t = part.trim();
                if (t.isEmpty()) problems.add(cli("--designs", "'' (expected: design names separated by commas, e.g. engine,tpe)"));
                else out.add(t);
            }
            d = Optional.of(out);
        }
        Optional<Duration> m = Optional.empty();
        if (duration != null) {
            try {
                Duration v = Units.parseDuration(duration);
                if (v.isNegative() || v.isZero()) problems.add(cli("--duration", duration + " (expected: > 0ms)"));
                else m = Optional.of(v);
            } catch (InvalidField e) {
                problems.add(new Problem(null, 0, 0, "--duration", e.value(), e.rule()));
            }
        }
        Optional<Long> s = Optional.empty();
        if (seed != null) {
            try {
                s = Optional.of(Long.parseLong(seed.trim()));
            } catch (NumberFormatException e) {
                problems.add(cli("--seed", seed + " (expected: a 64-bit integer)"));
            }
        }
        if (!problems.isEmpty()) throw new ScenarioException(problems);
        return new ScenarioOverrides(w, d, m, s);
    }

    /**
     * {@code s} with the overrides applied; the result passes {@link ScenarioRules} for {@code knownDesigns}.
     *
     * @throws ScenarioException when the changed scenario breaks a rule (unknown design, fault window past the
     *                           now shorter run, warmup no longer shorter than measure, ...)
     */
    public Scenario apply(Scenario s, Set<String> knownDesigns) throws ScenarioException {
        List<Problem> problems = new ArrayList<>();
        SweepSpec sw = s.sweep();
        Phases ph = s.phases();
        try {
            sw = new SweepSpec(sw.stage(), widths.orElse(sw.widths()), designs.orElse(sw.designs()), sw.repeats(), sw.abortOnFail());
        } catch (InvalidField e) {
            problems.add(new Problem(null, 0, 0, widths.isPresent() ? "--widths" : "--designs", e.value(), e.rule()));
        }
        try {
            ph = new Phases(ph.warmup(), duration.orElse(ph.measure()), ph.cooldown(), ph.cancel());
        } catch (InvalidField e) {
            problems.add(new Problem(null, 0, 0, "--duration", e.value(), e.rule()));
        }
        if (!problems.isEmpty()) throw new ScenarioException(problems);
        Scenario out = new Scenario(s.name(), s.description(), seed.orElse(s.seed()), ph, s.load(), s.keys(), s.pipeline(),
                s.downstream(), s.faults(), s.slos(), sw, s.gate(), s.compare(), s.capture(), s.graph());
        List<Problem> rules = ScenarioRules.check(out, knownDesigns, (path, message) -> cli(optionFor(path), message));
        if (!rules.isEmpty()) throw new ScenarioException(rules);
        return out;
    }

    /** Names the option behind a rule's path when an override changed it, else the scenario path. */
    private String optionFor(String path) {
        if (path.startsWith("sweep.designs") && designs.isPresent()) return "--designs";
        if (path.startsWith("sweep.widths") && widths.isPresent()) return "--widths";
        if (duration.isPresent() && (path.startsWith("phases.") || path.startsWith("faults[") || path.startsWith("load.open"))) return "--duration: " + path;
        return path;
    }

    private static Problem cli(String option, String message) { return new Problem(null, 0, 0, option, message); }
}
