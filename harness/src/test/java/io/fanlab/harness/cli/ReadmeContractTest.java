package io.fanlab.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The README and scenarios/README.md against the code they describe, read from the real files and the real picocli
 * model of {@link FanlabCli}: every {@code fanlab} command they show exists with the options shown; every option
 * they name is one some command has; every command answers {@code --help} (the README says so); the exit-code table
 * lists exactly the codes of {@link ExitCodes}, and {@code fanlab --help} lists them all; every repository path, link
 * and class they name exists.
 */
class ReadmeContractTest {

    static final List<Path> DOCS = List.of(Path.of("../README.md"), Path.of("../scenarios/README.md"));

    /** {@code fanlab x ...} and {@code scripts/fanlab x ...}: in a code span, or a line of a fenced block. */
    static final Pattern INLINE = Pattern.compile("`(?:scripts/)?fanlab ([^`]+)`");
    static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*)");

    /** Every {@code fanlab} invocation of the docs: "file:line: the arguments" (comments after # cut off). */
    static List<String[]> invocations() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (Path doc : DOCS) {
            List<String> lines = Files.readAllLines(doc);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) { fenced = !fenced; continue; }
                String where = doc + ":" + (i + 1);
                if (fenced) {
                    String s = line.strip();
                    if (s.startsWith("scripts/fanlab ")) out.add(new String[] {where, s.substring("scripts/fanlab ".length()).replaceAll("\\s+#.*$", "")});
                } else {
                    Matcher m = INLINE.matcher(line);
                    while (m.find()) out.add(new String[] {where, m.group(1)});
                }
            }
        }
        return out;
    }

    static CommandLine cli() {
        return new CommandLine(new FanlabCli());
    }

    @Test
    void everyCommandShownExistsWithItsOptions() throws IOException {
        CommandLine root = cli();
        List<String[]> shown = invocations();
        assertThat(shown).as("fanlab commands in the READMEs").hasSizeGreaterThan(15);
        Set<String> used = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        for (String[] inv : shown) {
            String[] words = inv[1].strip().split("\\s+");
            CommandLine cmd = root.getSubcommands().get(words[0]);
            if (cmd == null) {
                if (!words[0].startsWith("-")) wrong.add(inv[0] + ": fanlab " + words[0] + ": no such command (expected: one of " + root.getSubcommands().keySet() + ")");
                else cmd = root;
                if (cmd == null) continue;
            }
            used.add(cmd.getCommandName());
            if (!cmd.getSubcommands().isEmpty() && words.length > 1 && !words[1].startsWith("-")) {
                CommandLine sub = cmd.getSubcommands().get(words[1]);
                if (sub == null) { wrong.add(inv[0] + ": fanlab " + words[0] + " " + words[1] + ": no such command"); continue; }
                cmd = sub;
            }
            for (String w : words) {
                if (!w.startsWith("--")) continue;
                String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
                if (!hasOption(cmd.getCommandSpec(), name))
                    wrong.add(inv[0] + ": fanlab " + cmd.getCommandName() + " " + name + ": no such option (expected: one of "
                        + cmd.getCommandSpec().optionsMap().keySet().stream().filter(o -> o.startsWith("--")).sorted().toList() + ")");
            }
        }
        assertThat(wrong).as("commands the READMEs show that the CLI does not have").isEmpty();
        assertThat(used).as("the check saw the commands it claims to check").contains("run", "compare", "nightly", "reproduce", "report", "fit");
    }

    @Test
    void everyOptionNamedExistsOnSomeCommand() throws IOException {
        Set<String> known = new TreeSet<>();
        collectOptions(cli(), known);
        List<String> unknown = new ArrayList<>();
        for (Path doc : DOCS) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher spans = Pattern.compile("`([^`]+)`").matcher(lines.get(i));
                while (spans.find()) {
                    String span = spans.group(1);
                    if (span.startsWith("mvn ") || span.startsWith("java ") || span.startsWith("-D")) continue; // not fanlab's options
                    Matcher o = OPTION.matcher(span);
                    while (o.find()) if (!known.contains(o.group(1))) unknown.add(doc + ":" + (i + 1) + ": " + o.group(1));
                }
            }
        }
        assertThat(known).contains("--resume", "--baseline", "--no-capture");
        assertThat(unknown).as("options the READMEs name that no fanlab command has").isEmpty();
    }

    /** {@code name} is an option of {@code spec}, or the negated form of a negatable one ({@code --no-capture}). */
    static boolean hasOption(CommandSpec spec, String name) {
        return spec.findOption(name) != null || spec.negatedOptionsMap().containsKey(name);
    }

    private static void collectOptions(CommandLine c, Set<String> into) {
        c.getCommandSpec().optionsMap().keySet().stream().filter(o -> o.startsWith("--")).forEach(into::add);
        c.getCommandSpec().negatedOptionsMap().keySet().stream().filter(o -> o.startsWith("--")).forEach(into::add);
        c.getSubcommands().values().forEach(s -> collectOptions(s, into));
    }

    /** README: "every command answers --help". */
    @Test
    void everyCommandAnswersHelp() {
        List<String> without = new ArrayList<>();
        collectWithoutHelp(cli(), without);
        assertThat(without).as("commands without --help").isEmpty();
    }

    private static void collectWithoutHelp(CommandLine c, List<String> out) {
        CommandSpec s = c.getCommandSpec();
        if (s.findOption("--help") == null || !s.findOption("--help").usageHelp()) out.add(s.qualifiedName());
        c.getSubcommands().values().forEach(sub -> collectWithoutHelp(sub, out));
    }

    static Set<Integer> exitCodes() throws IllegalAccessException {
        Set<Integer> codes = new TreeSet<>();
        for (Field f : ExitCodes.class.getDeclaredFields())
            if (Modifier.isStatic(f.getModifiers()) && Modifier.isPublic(f.getModifiers()) && f.getType() == int.class) codes.add(f.getInt(null));
        return codes;
    }

    /** The README's "## Exit codes" table lists exactly the codes the CLI can return, and {@code fanlab --help} every one. */
    @Test
    void exitCodesTableMatchesTheCode() throws Exception {
        String readme = Files.readString(DOCS.get(0));
        int from = readme.indexOf("\n## Exit codes");
        assertThat(from).as("README: ## Exit codes").isNotNegative();
        String table = readme.substring(from, readme.indexOf("\n## ", from + 1));
        Set<Integer> listed = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(table);
        while (row.find()) listed.add(Integer.parseInt(row.group(1)));
        assertThat(listed).as("README exit codes vs io.fanlab.harness.cli.ExitCodes").isEqualTo(exitCodes());

        Set<Integer> footer = new TreeSet<>();
        for (String line : cli().getCommandSpec().usageMessage().footer()) {
            Matcher m = Pattern.compile("^\\s+(\\d+)\\s").matcher(line);
            if (m.find()) footer.add(Integer.parseInt(m.group(1)));
        }
        assertThat(footer).as("exit codes in 'fanlab --help' vs ExitCodes").isEqualTo(exitCodes());
    }

    /** Each command's own "Exit codes:" footer lists only codes the CLI has. */
    @Test
    void commandFootersListOnlyRealExitCodes() throws Exception {
        Set<Integer> real = exitCodes();
        List<String> wrong = new ArrayList<>();
        for (CommandLine c : cli().getSubcommands().values()) {
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                Matcher m = Pattern.compile("^\\s+(\\d+)\\s").matcher(line);
                if (m.find() && !real.contains(Integer.parseInt(m.group(1)))) wrong.add(c.getCommandName() + ": " + line.strip());
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Every repository path in a code span, every relative link (and its #anchor) and every io.fanlab class named exists. */
    @Test
    void everyFileLinkAndClassNamedExists() throws IOException {
        Pattern repoPath = Pattern.compile("`((?:scenarios|docs|examples|harness|reports|engine|bench|junit|scripts|it|\\.ci)/[^`\\s<>*]*)`");
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]*)(#[^)\\s]*)?\\)");
        Pattern type = Pattern.compile("`(io\\.fanlab(?:\\.[a-z]+)+\\.[A-Z]\\w*)`");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path doc : DOCS) {
            String text = Files.readString(doc);
            Matcher p = repoPath.matcher(text);
            while (p.find()) {
                checked++;
                if (!Files.exists(Path.of("..").resolve(p.group(1)))) missing.add(doc + ": `" + p.group(1) + "`");
            }
            Matcher l = link.matcher(text);
            while (l.find()) {
                if (l.group(1).startsWith("http")) continue;
                checked++;
                Path target = l.group(1).isEmpty() ? doc : doc.getParent().resolve(l.group(1));
                if (!Files.exists(target)) { missing.add(doc + ": link " + l.group(1)); continue; }
                if (l.group(2) != null && Files.isRegularFile(target) && !anchors(target).contains(l.group(2).substring(1)))
                    missing.add(doc + ": link " + l.group(1) + l.group(2) + " (no such heading)");
            }
            Matcher t = type.matcher(text);
            while (t.find()) {
                checked++;
                try {
                    Class.forName(t.group(1), false, getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    missing.add(doc + ": class " + t.group(1));
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(missing).as("paths, links and classes the READMEs name that do not exist").isEmpty();
    }

    /** GitHub's heading anchors of a markdown file: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(md)) {
            if (!line.startsWith("#")) continue;
            String h = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
            out.add(h.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return out;
    }
}
