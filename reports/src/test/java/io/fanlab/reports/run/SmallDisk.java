package io.fanlab.reports.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A size-limited tmpfs mounted on a test's folder: a real "No space left on device". Needs root and a kernel
 * that allows the mount (CI containers often do); otherwise the calling test is skipped, never failed.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) { this.mountPoint = mountPoint; }

    /** Mounts a tmpfs of {@code kib} KiB on {@code dir} (which must exist), or skips the test. */
    public static SmallDisk mount(Path dir, int kib) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString()).redirectErrorStream(true).start();
        boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(ok, "cannot mount a tmpfs here");
        return new SmallDisk(dir);
    }

    @Override public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
}
