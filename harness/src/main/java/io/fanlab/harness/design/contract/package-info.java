/**
 * The design contract as a test kit: the checks every fanlab design passes (nothing lost, nothing duplicated,
 * cancel bounded and counting stuck items, no thread left behind), callable from any test framework against any
 * {@link io.fanlab.harness.design.Design}, a user's own included. A failed check throws {@link AssertionError}
 * whose message names the design, the check and the evidence (counts, first missing items, leaked threads).
 * Threading: each check drives the design from the calling thread plus, for cancel, one producer thread it joins.
 */
package io.fanlab.harness.design.contract;
