package io.fanlab.engine.pipeline;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * What a stage reads from each of its input items besides doing the work: a key (per-key dispatch), a tenant (the
 * stage's bulkhead) and a weight (tokens of the stage's rate limit). Each is optional; an absent one means "no key"
 * (round-robin), tenant {@code ""} (the unlisted tenants' shared pool) and weight 1.
 *
 * <p>Where they run: the key function on the thread handing the item to the stage; the tenant and weight functions
 * on the worker, just before the item starts. A throw from any of them ends the item FAILED in that stage, as does
 * a weight outside {@code 1..burst} of the stage's rate limit (such an item could never start). A null tenant is
 * tenant {@code ""}. The functions must be thread-safe (they run on many threads at once).
 *
 * <p>Immutable; build with {@link #none()} and the {@code with*} methods.
 *
 * @param <T> the stage's input type
 */
public final class ItemTraits<T> {
    private static final ItemTraits<Object> NONE = new ItemTraits<>(null, null, null);

    private final ToLongFunction<? super T> key;
    private final Function<? super T, String> tenant;
    private final ToIntFunction<? super T> weight;

    private ItemTraits(ToLongFunction<? super T> key, Function<? super T, String> tenant, ToIntFunction<? super T> weight) {
        this.key = key;
        this.tenant = tenant;
        this.weight = weight;
    }

    /** No key, no tenant, weight 1. */
    @SuppressWarnings("unchecked")
    public static <T> ItemTraits<T> none() { return (ItemTraits<T>) NONE; }

    /** A key for per-key stages (a negative key means "no key"); see {@link Pipeline#then(io.fanlab.engine.spec.StageSpec, io.fanlab.engine.Work, ToLongFunction)}. */
    public ItemTraits<T> withKey(ToLongFunction<? super T> key) {
        return new ItemTraits<>(Objects.requireNonNull(key, "stage.key"), tenant, weight);
    }

    /** The tenant an item belongs to, for the stage's bulkhead (ignored by stages without one). */
    public ItemTraits<T> withTenant(Function<? super T, String> tenant) {
        return new ItemTraits<>(key, Objects.requireNonNull(tenant, "stage.tenant"), weight);
    }

    /** Tokens an item costs in the stage's rate limit, in {@code 1..burst} (ignored by stages without one). */
    public ItemTraits<T> withWeight(ToIntFunction<? super T> weight) {
        return new ItemTraits<>(key, tenant, Objects.requireNonNull(weight, "stage.weight"));
    }

    ToLongFunction<? super T> key() { return key; }

    Function<? super T, String> tenant() { return tenant; }

    ToIntFunction<? super T> weight() { return weight; }
}
