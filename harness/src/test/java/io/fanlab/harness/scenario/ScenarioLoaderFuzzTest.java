package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanlab.harness.cli.ExitCodes;
import io.fanlab.harness.cli.FanlabCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes {@code fanlab validate} with mutations of the scenario library and the invalid corpus (issue 10): every
 * input ends within {@value #BOUND_S} s with exit 0 or 2, and its error output holds no stack trace. Mutations
 * delete, duplicate and move spans, insert YAML punctuation, anchors, aliases and deep brackets, and replace numbers
 * with extreme values, so the parser, the binder and the rules all see hostile input. Sixty tries by
 * default (a few seconds); {@code -Pslow} adds 3,000.
 */
class ScenarioLoaderFuzzTest {
    static final int BOUND_S = 20;
    static final List<String> CORPUS = corpus();
    static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-validate");
        t.setDaemon(true);
        return t;
    });
    static final Path DIR;
    static {
        try {
            DIR = Files.createTempDirectory("fanlab-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        try {
            for (Path dir : List.of(ScenarioFiles.dir(), ScenarioFiles.dir().resolve("invalid")))
                for (Path f : ScenarioFiles.yamlIn(dir)) texts.add(Files.readString(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    /** One edit at relative positions {@code a} and {@code b} (0..1) of the text. */
    record Mutation(int kind, double a, double b, String insert) {
        String apply(String s) {
            if (s.isEmpty()) return insert;
            int i = (int) (a * s.length()), j = Math.min(s.length(), i + 1 + (int) (b * Math.min(200, s.length() - i)));
            return switch (kind) {
                case 0 -> s.substring(0, i) + s.substring(j);                                    // delete a span
                case 1 -> s.substring(0, j) + s.substring(i, j) + s.substring(j);                // duplicate a span
                case 2 -> s.substring(0, i) + insert + s.substring(i);                           // insert punctuation
                case 3 -> s.substring(0, i) + insert + s.substring(j);                           // replace a span
                case 4 -> s.replaceFirst("(?<=[:\\[, ])\\s*-?[0-9][0-9.]*", " " + insert);      // replace a number
                case 5 -> s.substring(0, i);                                                     // truncate
                default -> { // move a line
                    List<String> lines = new ArrayList<>(s.lines().toList());
                    String line = lines.remove((int) (a * lines.size()));
                    lines.add((int) (b * lines.size()), line);
                    yield String.join("\n", lines);
                }
            };
        }
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> base = Arbitraries.of(CORPUS);
        Arbitrary<String> insert = Arbitraries.oneOf(
                Arbitraries.strings().withChars("[]{}:,-&*!|>'\"#%@`?~ \n\t0123456789.eE+/abcxyz").ofMinLength(1).ofMaxLength(12),
                Arbitraries.of("&a ", "*a", "&a [*a, *a]", "&a [*a, *a, *a, *a, *a]", "[".repeat(5_000), "<<: *a", "!!binary ", "[".repeat(100), "{a: ".repeat(80), "? ", "---\n", "...\n", "\"\\u0000\"",
                        "99999999999999999999", "-1", "0", "1e309", ".nan", "-.inf", "0x7fffffff", "2147483648", "10000001", "1000000", "9223372036854775807ns",
                        "100000000h", "0s", "-5ms", "1e-12/s", "0/s", "999999999/s", "x/../../y", "null", "~", "''", "true"));
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.doubles().between(0, 0.999).ofScale(3),
                Arbitraries.doubles().between(0, 0.999).ofScale(3), insert).as(Mutation::new);
        return Combinators.combine(base, mutation.list().ofMinSize(1).ofMaxSize(6)).as((text, ms) -> {
            String s = text;
            for (Mutation m : ms) s = m.apply(s);
            return s;
        });
    }

    @Property(tries = 60)
    void validateEndsWithZeroOrTwoAndNoTrace(@ForAll("mutated") String text) throws Exception {
        check(text);
    }

    @Property(tries = 3_000)
    @Tag("slow")
    void validateEndsWithZeroOrTwoAndNoTraceManyTries(@ForAll("mutated") String text) throws Exception {
        check(text);
    }

    static void check(String text) throws Exception {
        Path f = DIR.resolve("fuzz.yaml");
        Files.writeString(f, text);
        StringWriter out = new StringWriter(), err = new StringWriter();
        Future<Integer> code = RUNNER.submit(() -> FanlabCli.execute(new String[] {"validate", f.toString()}, new PrintWriter(out, true), new PrintWriter(err, true)));
        int exit;
        try {
            exit = code.get(BOUND_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            code.cancel(true);
            throw new AssertionError("validate took more than " + BOUND_S + " s on:\n" + text);
        }
        assertThat(exit).as("exit code for:\n%s\nstderr:\n%s", text, err).isIn(ExitCodes.OK, ExitCodes.BAD_INPUT);
        assertThat(err.toString()).as("stderr for:\n" + text).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Error:");
        if (exit == ExitCodes.BAD_INPUT) assertThat(err.toString()).contains("fuzz.yaml:");
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        Files.deleteIfExists(DIR.resolve("fuzz.yaml"));
        Files.deleteIfExists(DIR);
    }
}
