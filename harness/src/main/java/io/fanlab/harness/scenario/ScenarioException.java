package io.fanlab.harness.scenario;

import java.util.List;

/**
 * A scenario that cannot be used, with every problem found (not only the first), in file order. The message is
 * one problem per line, so printing it is the whole diagnosis.
 */
public final class ScenarioException extends Exception {
    private final List<Problem> problems;

    public ScenarioException(List<Problem> problems) {
        super(render(problems));
        if (problems.isEmpty()) throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() { return problems; }

    private static String render(List<Problem> problems) {
        StringBuilder b = new StringBuilder();
        for (Problem p : problems) b.append(b.isEmpty() ? "" : "\n").append(p);
        return b.toString();
    }
}
