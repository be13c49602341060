package io.fanlab.harness.capture;

/** A capture the scenario marked {@code required: true} cannot run here; the message says what and why. */
public final class CaptureUnavailableException extends Exception {
    public CaptureUnavailableException(String message) { super(message); }
}
