package io.fanlab.junit;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * Runs the {@link FanlabScenario} of a test method once (before the body, or when a {@link FanlabResult} parameter
 * is resolved), keeps the result in the method's extension store, and fails the test with
 * {@link FanlabResult#verdict()} when a point missed an SLO or a check; the body then does not run.
 */
public final class FanlabExtension implements InvocationInterceptor, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FanlabExtension.class);

    @Override public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
        return p.getParameter().getType() == FanlabResult.class;
    }

    @Override public Object resolveParameter(ParameterContext p, ExtensionContext ctx) { return result(ctx); }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext ctx) throws Throwable {
        FanlabResult r = result(ctx);
        if (!r.passed()) {
            invocation.skip();
            throw new AssertionFailedError(r.verdict());
        }
        invocation.proceed();
    }

    private static FanlabResult result(ExtensionContext ctx) {
        ExtensionContext.Store store = ctx.getStore(NS);
        FanlabResult r = store.get("result", FanlabResult.class);
        if (r == null) {
            r = run(ctx);
            store.put("result", r);
        }
        return r;
    }

    private static FanlabResult run(ExtensionContext ctx) {
        Method m = ctx.getRequiredTestMethod();
        FanlabScenario a = AnnotationSupport.findAnnotation(m, FanlabScenario.class)
                .orElseThrow(() -> new IllegalStateException(m + ": FanlabExtension needs @FanlabScenario on the test method"));
        String test = ctx.getRequiredTestClass().getSimpleName() + "." + m.getName();
        FanlabRun run = FanlabRun.scenario(a.value())
                .runDirectory(FanlabRun.runsBase().resolve(test))
                .command("mvn test -Dtest=" + ctx.getRequiredTestClass().getName() + "#" + m.getName());
        if (a.designs().length > 0) run.designs(a.designs());
        for (var c : a.designClasses()) run.designClass(c);
        if (a.widths().length > 0) run.widths(a.widths());
        if (!a.duration().isBlank()) run.duration(a.duration());
        if (!a.seed().isBlank()) run.seed(Long.parseLong(a.seed().strip()));
        if (a.inProcess()) run.inProcess();
        if (!a.report()) run.noReport();
        if (a.requireCapabilities()) run.requireCapabilities();
        return run.run();
    }
}
