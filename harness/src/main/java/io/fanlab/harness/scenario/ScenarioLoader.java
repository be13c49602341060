package io.fanlab.harness.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a scenario file into a resolved {@link Scenario} (every default filled in from {@link Defaults}), or fails
 * with every problem found, each at {@code file:line:column}.
 *
 * <p>Two passes: snakeyaml-engine composes a node tree that keeps line and column; a binder walks it into the
 * records, collecting problems (unknown keys with a "did you mean", values without units, wrong types, unknown
 * names, record-constructor rules) instead of stopping at the first. When binding succeeded, the cross-field rules
 * of {@link ScenarioRules} run and their problems are reported the same way. Files that are missing, unreadable,
 * directories, empty, not UTF-8 text or not YAML get a {@code file:line:column} problem too (1:1 when nothing
 * better is known). Hostile input ends in bounded time and memory with such a problem: files above
 * {@link Limits#MAX_FILE_BYTES} are refused before parsing, and {@link GuardedParser} refuses nesting deeper than
 * {@link Limits#MAX_YAML_DEPTH}, recursive aliases and alias expansion beyond {@link Limits#MAX_EXPANDED_NODES}.
 * Relative paths inside the scenario (empirical CSVs) resolve against the file's folder.
 *
 * <p>Stateless and thread-safe; each call reads the file once.
 */
public final class ScenarioLoader {
    private ScenarioLoader() {}

    /**
     * Loads and validates {@code file}.
     *
     * @param knownDesigns the design names {@code sweep.designs} may use
     * @throws ScenarioException with every problem, in file order
     */
    public static Scenario load(Path file, Set<String> knownDesigns) throws ScenarioException {
        if (Files.isDirectory(file)) throw fail(file, "is a directory (expected: a scenario YAML file)");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(Limits.MAX_FILE_BYTES + 1);
            if (bytes.length > Limits.MAX_FILE_BYTES) throw fail(file, tooBig(Files.isRegularFile(file) ? Files.size(file) : -1));
        } catch (NoSuchFileException e) {
            throw fail(file, "no such file (expected: a scenario YAML file)");
        } catch (IOException | SecurityException e) {
            throw fail(file, "cannot read: " + e.getMessage() + " (expected: a readable scenario YAML file)");
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int bad = firstMalformed(bytes);
            int[] lc = lineColumn(new String(bytes, 0, bad, StandardCharsets.UTF_8));
            throw new ScenarioException(List.of(new Problem(file, lc[0], lc[1], "",
                    String.format("byte 0x%02X at offset %d is not UTF-8 (expected: a YAML text file)", bytes[bad] & 0xff, bad))));
        }
        return parse(text, file, knownDesigns);
    }

    /**
     * Like {@link #load} for text already read; {@code file} is used for messages, the default name and resolving
     * relative paths.
     */
    public static Scenario parse(String text, Path file, Set<String> knownDesigns) throws ScenarioException {
        if (text.length() > Limits.MAX_FILE_BYTES) throw fail(file, tooBig(text.length()));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                int[] lc = lineColumn(text.substring(0, i));
                throw new ScenarioException(List.of(new Problem(file, lc[0], lc[1], "",
                        String.format("control character U+%04X (expected: a YAML text file, not binary data)", (int) c))));
            }
        }
        Optional<Node> root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setCodePointLimit(Limits.MAX_FILE_BYTES).build();
            root = new Composer(settings, new GuardedParser(new ParserImpl(settings, new StreamReader(settings, text)))).getSingleNode();
        } catch (GuardedParser.Refused e) {
            Mark m = e.mark.orElse(null);
            throw new ScenarioException(List.of(new Problem(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, "",
                    "YAML: " + e.getMessage())));
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            if (e.getContext() != null && !e.getContext().isBlank()) problem = e.getContext() + ": " + problem;
            String hint = problem.contains("\\t") || problem.contains("\t") ? " (expected: spaces; YAML does not allow tabs for indentation)" : " (expected: valid YAML)";
            throw new ScenarioException(List.of(new Problem(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, "",
                    "YAML syntax: " + problem.strip() + hint)));
        } catch (YamlEngineException e) {
            throw fail(file, "YAML: " + e.getMessage() + " (expected: valid YAML)");
        }
        if (root.isEmpty()) throw fail(file, "empty file (expected: a scenario mapping with at least load and pipeline)");

        YamlBinder binder = new YamlBinder(file);
        String name = file.getFileName() == null ? "scenario" : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Scenario s = binder.scenario(root.get(), name);
        List<Problem> problems = new ArrayList<>(binder.problems());
        if (problems.isEmpty() && s != null) {
            Map<String, Mark> marks = binder.marks();
            problems.addAll(ScenarioRules.check(s, knownDesigns, (path, message) -> {
                Mark m = locate(marks, path);
                return new Problem(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, path, message);
            }));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new ScenarioException(problems);
        }
        if (s == null) throw new AssertionError("binder returned no scenario and no problem");
        return s;
    }

    /** The mark of {@code path}, else of its nearest bound ancestor ({@code a.b[2].c} -> {@code a.b[2]} -> {@code a.b} -> {@code a}). */
    private static Mark locate(Map<String, Mark> marks, String path) {
        String p = path;
        while (!p.isEmpty()) {
            Mark m = marks.get(p);
            if (m != null) return m;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return marks.get("");
    }

    private static String tooBig(long bytes) {
        return (bytes < 0 ? "more than " + Limits.MAX_FILE_BYTES + " bytes" : bytes + " bytes")
                + " (expected: at most " + Limits.MAX_FILE_BYTES + " bytes (1 MiB); a scenario is a few KiB)";
    }

    private static ScenarioException fail(Path file, String message) {
        return new ScenarioException(List.of(new Problem(file, 1, 1, "", message)));
    }

    private static int firstMalformed(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        java.nio.charset.CoderResult r = d.decode(in, out, true);
        return r.isError() ? in.position() : 0;
    }

    private static int[] lineColumn(String prefix) {
        int line = 1, col = 1;
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '\n') { line++; col = 1; } else col++;
        }
        return new int[] {line, col};
    }
}
