package io.llmclient.bootstrap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar started as an operator would, in its own process: the only way to see every
 * line it prints, its exit code, and what it does under a descriptor limit or a SIGTERM. Only
 * for integration tests (failsafe), which run after the jar is built.
 */
public final class ServiceProcess {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    final Process process;
    final Drained stdout;
    final Drained stderr;

    private ServiceProcess(Process process) {
        this.process = process;
        this.stdout = new Drained(process.getInputStream());
        this.stderr = new Drained(process.getErrorStream());
    }

    /** Starts the jar in {@code dir} with only {@code env} (and PATH) as its environment. */
    public static ServiceProcess start(Path dir, Map<String, String> env) throws IOException {
        return start(dir, env, List.of(javaCommand()));
    }

    /** Starts the jar with at most {@code descriptors} open files ({@code ulimit -n}). */
    static ServiceProcess startWithDescriptorLimit(Path dir, Map<String, String> env, int descriptors)
            throws IOException {
        return start(dir, env, List.of("bash", "-c", "ulimit -n " + descriptors + " && exec " + javaCommand()));
    }

    private static ServiceProcess start(Path dir, Map<String, String> env, List<String> command) throws IOException {
        var builder = new ProcessBuilder(command.size() == 1 ? List.of(command.getFirst().split(" ")) : command)
                .directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        return new ServiceProcess(builder.start());
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + System.getProperty("service.jar");
    }

    /** The port from the {@code listening on port N} line, waiting up to 30 s for it. */
    public int awaitPort() throws InterruptedException {
        return awaitPort(Duration.ofSeconds(30));
    }

    /** The port from the {@code listening on port N} line, waiting up to {@code within} for it. */
    public int awaitPort(Duration within) throws InterruptedException {
        for (long i = 0; i < within.toMillis() / 100; i++) {
            for (String line : stdout.soFar()) {
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no 'listening on port' line in: " + stdout.soFar() + stderr.soFar());
    }

    /** What the process printed so far, stdout then stderr (for a failing test's message). */
    public List<String> printedSoFar() {
        var printed = new ArrayList<>(stdout.soFar());
        printed.addAll(stderr.soFar());
        return printed;
    }

    /** SIGTERM, as an orchestrator sends it (not {@link Process#destroy()}, which also closes our pipes). */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** Reads a process stream line by line as it comes; {@link #all()} waits for its end. */
    static final class Drained {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Drained(InputStream stream) {
            reader = Thread.ofPlatform().daemon().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException | UncheckedIOException e) {
                    lines.add("<stream read failed: " + e + ">");
                }
            });
        }

        List<String> soFar() {
            return new ArrayList<>(lines);
        }

        List<String> all() throws InterruptedException {
            reader.join(Duration.ofSeconds(30));
            return List.copyOf(lines);
        }
    }
}
