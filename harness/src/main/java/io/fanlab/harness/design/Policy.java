package io.fanlab.harness.design;

import io.fanlab.engine.spec.Admission;
import io.fanlab.engine.spec.ErrorPolicy;
import io.fanlab.engine.spec.Order;
import io.fanlab.engine.spec.StageSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A scenario policy a design may honour. A design declares the ones it honours in {@link Design#capabilities()};
 * the runner compares that declaration with what each stage of the scenario asks for ({@link #usedBy}) and names
 * every policy the design will ignore in the point's warnings (and the JUnit extension can refuse to run such a
 * pairing). Nothing is guessed from a design's name.
 *
 * <p>A policy counts as used only when it differs from the default the scenario format gives it (a stage with
 * {@code admission: {overflow: block}} and no queue deadline asks nothing of a design that blocks when full).
 */
public enum Policy {
    /** {@code admission}: an overflow other than block, or a queue deadline. */
    ADMISSION("admission"),
    /** {@code timeout}: a per-attempt timeout. */
    TIMEOUT("timeout"),
    /** {@code retry}: more than one attempt. */
    RETRY("retry"),
    /** {@code hedge}: hedged second attempts. */
    HEDGE("hedge"),
    /** {@code limit}: an adaptive or fixed concurrency limit. */
    LIMIT("limit"),
    /** {@code rate_limit}: a token bucket on starting work. */
    RATE_LIMIT("rate_limit"),
    /** {@code bulkhead}: per-tenant shares. */
    BULKHEAD("bulkhead"),
    /** {@code per_key}: items of one key on one worker, in order. */
    PER_KEY("per_key"),
    /** {@code order}: results leave in submission order. */
    ORDER("order"),
    /** {@code on_error}: fail-fast or dead-letter instead of continue. */
    ON_ERROR("on_error"),
    /**
     * A pipeline of more than one stage run as separate stages (each with its own queue and workers); a design
     * without it runs every stage's work in one task at the swept width.
     */
    PIPELINE("pipeline"),
    /**
     * Routes and loops ({@code pipeline: [..., {route: ...}, {loop: ...}]}): the design runs
     * {@link DesignContext#router()}'s graph, asking the router at every route and at every loop's end. Not a
     * policy that can be ignored with a warning: a design without it is refused for a scenario with routes or loops
     * (it would run every stage in sequence, a different pipeline).
     */
    GRAPH("graph"),
    /**
     * Cancelling one submitted item alone ({@link Item#onCancel}): a first or quorum join ({@code load.join}) cancels
     * its losers the moment the request is decided. A design without it lets the losers run to their end (their
     * work is wasted, and counted as losers that finished anyway). Like {@link #PIPELINE}, never in
     * {@link #usedBy} (a load setting, not a stage's).
     */
    CANCEL("cancel");

    private final String key;

    Policy(String key) { this.key = key; }

    /** The scenario key of the policy, as in {@code stage.timeout}. */
    public String key() { return key; }

    /** The policies a stage asks for beyond the format's defaults; never contains {@link #PIPELINE} or {@link #CANCEL}. */
    public static Set<Policy> usedBy(StageSpec s) {
        Set<Policy> used = EnumSet.noneOf(Policy.class);
        if (!(s.admission().overflow() instanceof Admission.Overflow.Block) || s.admission().queueDeadline().isPresent()) used.add(ADMISSION);
        if (s.timeout().isPresent()) used.add(TIMEOUT);
        if (s.retry().maxAttempts() > 1) used.add(RETRY);
        if (s.hedge().isPresent()) used.add(HEDGE);
        if (s.limit().isPresent()) used.add(LIMIT);
        if (s.rateLimit().isPresent()) used.add(RATE_LIMIT);
        if (s.bulkhead().isPresent()) used.add(BULKHEAD);
        if (s.perKey()) used.add(PER_KEY);
        if (!(s.order() instanceof Order.Unordered)) used.add(ORDER);
        if (s.onError() != ErrorPolicy.CONTINUE) used.add(ON_ERROR);
        return used;
    }

    /**
     * Each policy the stages use that {@code declared} lacks, as {@code <stage>.<key>} in stage then policy order;
     * plus {@code pipeline} when there is more than one stage and {@link #PIPELINE} is not declared. Empty when the
     * design honours everything the stages ask for. The runner's warnings and the JUnit extension's refusal both
     * use this.
     */
    public static List<String> ignored(Set<Policy> declared, List<StageSpec> stages) {
        List<String> ignored = new ArrayList<>();
        for (StageSpec s : stages) for (Policy p : usedBy(s)) if (!declared.contains(p)) ignored.add(s.name() + "." + p.key());
        if (stages.size() > 1 && !declared.contains(PIPELINE)) ignored.add(PIPELINE.key);
        return ignored;
    }
}
