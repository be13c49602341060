package io.fanlab.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Copies a fixture run directory from test resources into a scratch directory, so tests never write into resources. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path source(String name) {
        try {
            return Paths.get(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture missing: " + name, e);
        }
    }

    public static Path copy(String name, Path into) {
        Path src = source(name);
        Path dst = into.resolve(name);
        try (Stream<Path> files = Files.walk(src)) {
            files.forEach(f -> {
                try {
                    Path t = dst.resolve(src.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(t); else Files.copy(f, t);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dst;
    }
}
