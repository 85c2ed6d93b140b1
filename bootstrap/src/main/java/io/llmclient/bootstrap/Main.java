package io.llmclient.bootstrap;

import io.llmclient.bootstrap.keys.KeyMinter;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;

/**
 * {@code java -jar llm-client-service.jar}: starts the service with the process environment
 * and working directory. A refused configuration prints one line on stderr and exits with 2; a
 * listener that stops by itself (descriptor exhaustion) makes the process exit with 3.
 *
 * <p>{@code java -jar llm-client-service.jar mint-key ...} mints an inbound key instead
 * ({@link KeyMinter}): no server, no logging.
 */
public final class Main {
    /**
     * Exit status when the listener stopped by itself (docs/decisions.md, 'Slow and idle clients'):
     * not 0, not start-up's 2.
     */
    public static final int LISTENER_LOST_EXIT_CODE = 3;
    private static final java.time.Duration HALT_AFTER = java.time.Duration.ofSeconds(10);

    private Main() {
    }

    public static void main(String[] args) {
        // Before anything starts the server or Log4j: the key it prints must reach no log.
        if (args.length > 0 && args[0].equals(KeyMinter.COMMAND)) {
            KeyMinter.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // First, before anything touches java.util.logging: Helidon's JUL records go to Log4j,
        // so that every line on stdout is the same JSON.
        System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
        RunningServer server;
        try {
            server = LlmClientServer.start(System.getenv(), Path.of("").toAbsolutePath());
        } catch (StartupFailure failure) {
            System.err.println(failure.getMessage());
            LogManager.shutdown();
            System.exit(StartupFailure.EXIT_CODE);
            return;
        } catch (RuntimeException unexpected) {
            System.err.println("start-up failed: " + unexpected);
            LogManager.shutdown();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            // SIGTERM (a rolling update): finish what is in flight, then stop (docs/deployment.md).
            server.drain();
            server.stop();
            LogManager.shutdown();
        }));
        // A live process with a dead port is worse than none: the orchestrator restarts one that exits.
        server.listenerLost().thenRun(() -> Thread.ofPlatform().start(() -> {
            LogManager.getLogger(Main.class).error("the listener stopped accepting connections; exiting with {} "
                    + "so that the process is restarted", LISTENER_LOST_EXIT_CODE);
            // Should a shutdown hook hang on the broken listener, the process ends all the same.
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(HALT_AFTER);
                } catch (InterruptedException ignored) {
                    // halting anyway
                }
                Runtime.getRuntime().halt(LISTENER_LOST_EXIT_CODE);
            });
            System.exit(LISTENER_LOST_EXIT_CODE);
        }));
    }
}
