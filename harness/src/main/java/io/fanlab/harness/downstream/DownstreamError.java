package io.fanlab.harness.downstream;

import java.io.IOException;

/** The downstream answered with a status other than 200 (503 for an injected or base error). */
public final class DownstreamError extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public DownstreamError(int status) {
        super("downstream answered " + status);
        this.status = status;
    }

    public int status() { return status; }
}
