package io.llmclient.bootstrap;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;

/**
 * {@code java -jar llm-client-service.jar}: starts the service with the process environment
 * and working directory. A refused configuration prints one line on stderr and exits with 2.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
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
            server.stop();
            LogManager.shutdown();
        }));
    }
}
