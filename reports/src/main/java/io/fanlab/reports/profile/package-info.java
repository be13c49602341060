/**
 * Profiles of the run directory: {@link io.fanlab.reports.profile.CollapsedStacks} reads a point's collapsed-stack
 * file ({@code points/<id>/profile-<event>.collapsed}, written by the harness's capture) into per-frame shares, and
 * {@link io.fanlab.reports.profile.ProfileDiff} compares two of them (two widths of one sweep) as a text table or a
 * self-contained HTML page ({@code fanlab diff-profile}, and the report's capture section). Immutable values,
 * thread-safe.
 */
package io.fanlab.reports.profile;
