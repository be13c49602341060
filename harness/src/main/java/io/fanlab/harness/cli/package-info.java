/**
 * The {@code fanlab} command line (picocli). Exit codes, the same for every command:
 * 0 all SLOs and checks met; 1 an SLO or check failed; 2 bad input or usage; 3 the run itself failed.
 * Bad input never prints a stack trace: every problem as {@code file:line:col: path: value (expected: rule)}.
 */
package io.fanlab.harness.cli;
