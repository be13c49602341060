package io.fanlab.harness.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in this JVM for tests in other packages (the exit code and both streams). */
public final class FanlabCliTestAccess {
    private FanlabCliTestAccess() {}

    public record Result(int code, String out, String err) {}

    public static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = FanlabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
