package io.llmclient.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The recorded provider answers the benchmarks replay, from {@code src/main/resources/fixtures}. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The bytes of {@code fixtures/<name>}. */
    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
