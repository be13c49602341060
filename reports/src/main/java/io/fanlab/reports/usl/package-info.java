/**
 * Universal Scalability Law fitting: {@link io.fanlab.reports.usl.UslFit} turns (concurrency, throughput) pairs into
 * a {@link io.fanlab.reports.usl.UslResult}. Pure functions over arrays and files; stateless and thread-safe.
 * Used by the report's sweep analysis and by the CLI command {@code fanlab fit usl FILE.csv}.
 */
package io.fanlab.reports.usl;
