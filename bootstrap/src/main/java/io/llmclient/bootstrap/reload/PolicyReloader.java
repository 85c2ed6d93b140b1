package io.llmclient.bootstrap.reload;

import io.llmclient.bootstrap.config.ConfigLayers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the file named by {@code LLM_CONFIG_FILE} and hands each new content to a
 * {@link PolicyReload} (contract section 14: applied within 5 s, rewritten in place or replaced by
 * a rename). The file is read every {@link #PERIOD} on one daemon thread; a content is handled
 * once it differs from the last one handled and has stayed the same for one period, so a file
 * caught half-written is read again before anything is done with it. Reading the path each time
 * sees a rename that replaced the file as well as a rewrite.
 */
public final class PolicyReloader implements AutoCloseable {
    /** How often the file is read. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    // The file could not be read (it is gone, or not readable); compared by identity.
    private static final byte[] UNREADABLE = new byte[0];
    private static final PolicyReloader NONE = new PolicyReloader();

    private final Path file;
    private final PolicyReload reload;
    private final ScheduledExecutorService poller;
    // Touched by the poller's one thread only, after the constructor.
    private byte[] handled;
    private byte[] previous;

    private PolicyReloader() {
        this.file = null;
        this.reload = null;
        this.poller = null;
    }

    private PolicyReloader(Baseline baseline, PolicyReload reload) {
        this.file = baseline.file;
        this.reload = reload;
        this.handled = baseline.content;
        this.previous = baseline.content;
        this.poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("policy-reload").daemon(true).factory());
        poller.scheduleWithFixedDelay(this::poll, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The policy file as it is now, read before start-up reads its configuration, so that a change
     * made while the service starts is seen as one.
     */
    public static Baseline baseline(Map<String, String> environment, Path workingDir) {
        try {
            Optional<Path> file = ConfigLayers.namedFile(environment, workingDir);
            return new Baseline(file.orElse(null), file.map(PolicyReloader::read).orElse(UNREADABLE));
        } catch (RuntimeException unreadableDotEnv) {
            // Start-up refuses it with its own line.
            return new Baseline(null, UNREADABLE);
        }
    }

    /** Starts watching the file of {@code baseline}; without {@code LLM_CONFIG_FILE}, a watcher that does nothing. */
    public static PolicyReloader start(Baseline baseline, PolicyReload reload) {
        return baseline.file == null ? NONE : new PolicyReloader(baseline, reload);
    }

    private void poll() {
        byte[] now = read(file);
        boolean stable = same(now, previous);
        previous = now;
        if (stable && !same(now, handled)) {
            handled = now;
            reload.apply(file, now == UNREADABLE ? null : now);
        }
    }

    private static boolean same(byte[] one, byte[] other) {
        return one == other || one != UNREADABLE && other != UNREADABLE && Arrays.equals(one, other);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | RuntimeException gone) {
            return UNREADABLE;
        }
    }

    /** Stops watching; a reload under way is interrupted. */
    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** The policy file and its content before start-up read it. */
    public static final class Baseline {
        private final Path file;
        private final byte[] content;

        private Baseline(Path file, byte[] content) {
            this.file = file;
            this.content = content;
        }
    }
}
