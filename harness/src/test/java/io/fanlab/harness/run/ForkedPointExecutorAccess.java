package io.fanlab.harness.run;

import java.util.List;

/** Test access to {@link ForkedPointExecutor}'s package-private flag assembly. */
public final class ForkedPointExecutorAccess {
    private ForkedPointExecutorAccess() {}

    public static List<String> flags(List<String> userFlags) { return ForkedPointExecutor.jvmFlags(userFlags); }
}
