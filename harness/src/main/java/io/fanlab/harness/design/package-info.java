/**
 * The design SPI: the one small interface through which the harness drives any fan-out design (the reference
 * engine's variants, the baselines, a user's own). A design is found with {@link java.util.ServiceLoader} as a
 * {@link io.fanlab.harness.design.DesignProvider} and named in a scenario's {@code sweep.designs}.
 *
 * <p>Contract every design must keep (the contract test suite checks it): every submitted item is reported to
 * {@link io.fanlab.harness.design.Completions} exactly once; after {@code close} or {@code cancel} returns, no
 * thread the design started is alive, except stuck items' threads, which {@code cancel} counts.
 *
 * <p>A design declares the scenario policies it honours ({@link io.fanlab.harness.design.Design#capabilities()},
 * {@link io.fanlab.harness.design.Policy}); the runner warns about the rest by that declaration, never by name.
 *
 * <p>Cancelling one item: a design that declares {@link io.fanlab.harness.design.Policy#CANCEL} registers a handle
 * on each item it is given ({@link io.fanlab.harness.design.Item#onCancel}); the harness triggers it
 * ({@link io.fanlab.harness.design.Item#cancel}) for the losers of a first or quorum join. Nothing else in the SPI
 * changes: a design that registers nothing keeps working, and its losers run to their end.
 */
package io.fanlab.harness.design;
