package io.fanlab.harness.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A YAML event stream with the loader's bounds, between snakeyaml-engine's parser and its (recursive) composer:
 * nesting deeper than {@link Limits#MAX_YAML_DEPTH}, an alias to a collection that is still open (a collection
 * that contains itself), and a document whose aliases expand to more than {@link Limits#MAX_EXPANDED_NODES} nodes
 * are refused at the event that crosses the bound, before the composer recurses or the binder walks the graph.
 *
 * <p>Implementation notes: each anchor definition gets an id; its expanded size (nodes, counting aliases inside it
 * expanded) is known when it closes and is -1 while it is open, so an alias to an open definition is recursive.
 * {@code expanded} counts every node of the document as the binder will see it: 1 per scalar and collection, the
 * definition's size per alias. Linear in the number of events. Single-threaded.
 */
final class GuardedParser implements Parser {
    /** A bound was crossed at {@code mark}. */
    static final class Refused extends RuntimeException {
        final Optional<Mark> mark;
        Refused(Optional<Mark> mark, String message) {
            super(message, null, false, false);
            this.mark = mark;
        }
    }

    private final Parser in;
    private final Map<String, Integer> latest = new HashMap<>();
    private final List<Long> size = new ArrayList<>();
    /** Per open collection: {expanded at its start, its definition id or -1}. */
    private final ArrayList<long[]> open = new ArrayList<>();
    private long expanded;

    GuardedParser(Parser in) { this.in = in; }

    @Override public boolean checkEvent(Event.ID id) { return in.checkEvent(id); }
    @Override public Event peekEvent() { return in.peekEvent(); }
    @Override public boolean hasNext() { return in.hasNext(); }

    @Override public Event next() {
        Event e = in.next();
        switch (e.getEventId()) {
            case SequenceStart, MappingStart -> {
                if (open.size() >= Limits.MAX_YAML_DEPTH)
                    throw new Refused(e.getStartMark(), "nested more than " + Limits.MAX_YAML_DEPTH
                            + " levels deep (expected: at most " + Limits.MAX_YAML_DEPTH + " levels of mappings and lists)");
                open.add(new long[] {expanded, define((NodeEvent) e, -1)});
                count(1, e);
            }
            case SequenceEnd, MappingEnd -> {
                long[] top = open.remove(open.size() - 1);
                if (top[1] >= 0) size.set((int) top[1], expanded - top[0]);
            }
            case Scalar -> {
                define((NodeEvent) e, 1);
                count(1, e);
            }
            case Alias -> {
                String name = ((AliasEvent) e).getAlias().getValue();
                Integer def = latest.get(name);
                long n = def == null ? 1 : size.get(def); // undefined: the composer reports it
                if (n < 0)
                    throw new Refused(e.getStartMark(), "alias *" + name + " is used inside &" + name
                            + " itself (expected: an alias to a value that is complete where the alias appears; a recursive value never ends)");
                count(n, e);
            }
            default -> { }
        }
        return e;
    }

    private int define(NodeEvent e, long initialSize) {
        if (e.getAnchor().isEmpty()) return -1;
        size.add(initialSize);
        latest.put(e.getAnchor().get().getValue(), size.size() - 1);
        return size.size() - 1;
    }

    private void count(long n, Event e) {
        expanded += n;
        if (expanded > Limits.MAX_EXPANDED_NODES)
            throw new Refused(e.getStartMark(), "aliases expand the document to more than " + Limits.MAX_EXPANDED_NODES
                    + " nodes (expected: at most " + Limits.MAX_EXPANDED_NODES + "; a scenario needs a few hundred)");
    }
}
