package io.fanlab.harness.load;

import io.fanlab.engine.spec.InvalidField;

/** Items per second; always written with a unit in YAML ({@code 1200/s}, {@code 72000/min}). */
public record Rate(double perSecond) {
    public Rate {
        if (!(perSecond > 0) || Double.isInfinite(perSecond))
            throw new InvalidField("rate", perSecond + "/s", "> 0/s");
    }
    @Override public String toString() { return (perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond)) + "/s"; }
}
