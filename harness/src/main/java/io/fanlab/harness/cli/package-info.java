/**
 * The {@code fanlab} command line (picocli): run, validate, list, report, fit, compare, nightly; every command
 * answers {@code --help}. Exit codes, the same for every command: 0 pass (every check and every gated SLO met);
 * 1 a gated SLO, a check or a regression failed; 2 bad input or usage; 3 the run itself failed. A run's code is its
 * {@link io.fanlab.reports.analysis.Verdict}, computed by the reports module from the run directory, never here.
 * Bad input never prints a stack trace: every problem as {@code file:line:col: path: value (expected: rule)}.
 */
package io.fanlab.harness.cli;
