package io.fanlab.engine.spec;

/**
 * Which threads run a stage's workers.
 * PLATFORM: one OS thread per worker; best for CPU-bound work with width near the core count.
 * VIRTUAL: one virtual thread per worker, never pooled; best for blocking work at widths far above the core count.
 */
public enum ThreadKind { PLATFORM, VIRTUAL }
