package io.fanlab.harness.run;

import io.fanlab.reports.run.PointResult;

/** Runs one point and returns its record; never throws for a failing design (that is a failed/crashed point). */
public interface PointExecutor {
    PointResult execute(PointRequest request, Progress.Listener progress) throws InterruptedException;
}
