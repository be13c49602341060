package io.fanlab.engine.internal;

/**
 * A step of the compiled pipeline graph that takes an envelope from the thread handing it over. {@link #accept}
 * takes ownership: whatever happens (admitted, shed, failed, cancelled), the node ends or forwards the envelope;
 * it never throws and never returns it. May block (back-pressure) and is called concurrently.
 */
interface Node {
    void accept(Envelope e);
}
