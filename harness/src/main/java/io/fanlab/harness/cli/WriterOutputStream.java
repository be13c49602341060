package io.fanlab.harness.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Adapts picocli's PrintWriter to the PrintStream the sweep prints progress to. */
final class WriterOutputStream extends OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter w) { this.w = w; }

    @Override public void write(int b) {
        buf.write(b);
    }

    @Override public void write(byte[] b, int off, int len) {
        buf.write(b, off, len);
    }

    @Override public void flush() {
        w.print(buf.toString(StandardCharsets.UTF_8));
        buf.reset();
        w.flush();
    }
}
