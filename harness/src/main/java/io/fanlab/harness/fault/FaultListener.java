package io.fanlab.harness.fault;

/**
 * Told of every fault start and stop, with the actual offset (nanoseconds since the run's start) at which the
 * effect was applied or undone. Called from the {@code fanlab-faults} thread, or from the thread calling
 * {@link FaultSchedule#close()} for stops done at close. Must not block for long; an exception is caught, reported
 * by {@link FaultSchedule#close()}, and does not stop the schedule.
 */
public interface FaultListener {
    FaultListener NONE = new FaultListener() {
        @Override public void started(FaultSpec f, long offsetNanos) { }
        @Override public void stopped(FaultSpec f, long offsetNanos) { }
    };

    void started(FaultSpec f, long offsetNanos);

    void stopped(FaultSpec f, long offsetNanos);
}
