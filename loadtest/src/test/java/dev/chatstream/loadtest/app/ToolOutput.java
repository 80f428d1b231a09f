package dev.chatstream.loadtest.app;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tool prints while a test runs it in-process ({@link Main#run} writes to {@code System.out} and
 * {@code System.err}), kept so that a wrong exit status can be reported with the tool's own reason. The output
 * still reaches the real streams (surefire's report files).
 */
final class ToolOutput implements AutoCloseable {
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();

    private ToolOutput() {
        System.setOut(tee(out));
        System.setErr(tee(err));
    }

    static ToolOutput capture() {
        return new ToolOutput();
    }

    private PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (said) {
                    said.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (said) {
                    said.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    String text() {
        synchronized (said) {
            return said.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
    }
}
