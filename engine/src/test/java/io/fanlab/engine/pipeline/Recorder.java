package io.fanlab.engine.pipeline;

import io.fanlab.engine.Outcome;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Test listener: records every terminal call, so tests can check exactly-once per (exit, item). */
final class Recorder<I> implements TerminalListener<I> {
    record Call(String exit, Object item, Outcome outcome, Object result, Throwable cause) {}

    final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> perExitItem = new ConcurrentHashMap<>();

    @Override
    public void onTerminal(String exit, I item, Outcome outcome, Object result, Throwable cause) {
        calls.add(new Call(exit, item, outcome, result, cause));
        perExitItem.computeIfAbsent(exit + "/" + item, k -> new AtomicInteger()).incrementAndGet();
    }

    List<Call> at(String exit) {
        return calls.stream().filter(c -> c.exit().equals(exit)).toList();
    }

    long count(Outcome o) {
        return calls.stream().filter(c -> c.outcome() == o).count();
    }

    Map<Outcome, Long> outcomes() {
        return calls.stream().collect(Collectors.groupingBy(Call::outcome, Collectors.counting()));
    }

    /** Every (exit, item) seen at most once, and every item in {@code items} seen exactly once at {@code exit}. */
    void assertExactlyOnce(String exit, List<?> items) {
        assertThat(perExitItem.values()).allSatisfy(n -> assertThat(n.get()).as("calls per (exit, item)").isEqualTo(1));
        assertThat(at(exit).stream().map(Call::item).collect(Collectors.toSet()))
                .as("items seen at exit " + exit).containsExactlyInAnyOrderElementsOf(items);
        assertThat(at(exit)).hasSize(items.size());
    }
}
