package io.fanlab.harness.design;

import java.util.List;

/**
 * ServiceLoader entry point: list the class in {@code META-INF/services/io.fanlab.harness.design.DesignProvider}.
 * One provider may offer several designs (the reference engine offers one per variant).
 */
public interface DesignProvider {
    List<Design> designs();
}
