/**
 * Nightly runs: the JSON-lines {@link io.fanlab.reports.nightly.History} (appended, one line per scenario per
 * nightly), the {@link io.fanlab.reports.nightly.ChangePoint} rule for a trend, and the nightly's index page
 * ({@link io.fanlab.reports.nightly.NightlyIndexWriter}). Reads run directories and the history file only; pure
 * functions except the history's append, which assumes one nightly at a time.
 */
package io.fanlab.reports.nightly;
