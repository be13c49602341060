package io.fanlab.harness.design.baseline;

import io.fanlab.harness.design.Design;
import io.fanlab.harness.design.DesignProvider;
import java.util.List;

/** ServiceLoader provider of the baselines. */
public final class BaselineDesigns implements DesignProvider {
    @Override public List<Design> designs() { return List.of(new ThreadPoolDesign(), new VirtualThreadPerItemDesign()); }
}
