package io.llmclient.state.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (never a mock) for the tests of a class: started on a free loopback
 * port without persistence, stopped after. When {@code redis-server} is not installed the tests
 * fail, saying how to install it; they are never skipped. Public for the tests of application
 * classes against Redis that live in this module under their own package.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {
    private final List<String> options;
    private Process process;
    private int port;
    private Path log;

    /** {@code options} are added to the command line, such as {@code --requirepass secret}. */
    public RedisServer(String... options) {
        this.options = List.of(options);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        log = Files.createTempFile("redis-server-", ".log");
        installedIfMissing();
        start();
    }

    // The README's one test command must work on a fresh Debian machine: as root, a missing
    // redis-server is installed from Debian, as .ci/run and docs/ops/check.sh do for their tools.
    private static synchronized void installedIfMissing() throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/redis-server"))
                || Files.isExecutable(Path.of("/usr/local/bin/redis-server"));
        if (present || !"root".equals(System.getProperty("user.name"))
                || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return;
        }
        var install = new ProcessBuilder("bash", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                + "apt-get install -y -qq --no-install-recommends redis-server").inheritIO().start();
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new AssertionError("installing redis-server with apt-get failed; install the Debian package "
                    + "redis-server and run the tests again");
        }
    }

    /** Stops the server (as a crash would: its state is gone, it had no persistence) and starts it again on the same port. */
    void restart() throws Exception {
        stop();
        start();
    }

    /** Stops the server's process where it is ({@code kill -STOP}): connected, and answering nothing. */
    public void freeze() throws Exception {
        signal("-STOP");
    }

    /** Lets a frozen server go on ({@code kill -CONT}). */
    public void thaw() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        var kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill " + signal + " of redis-server failed");
        }
    }

    private void start() throws Exception {
        var command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"));
        command.addAll(options);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("redis-server is not on the PATH: these tests need a real Redis. "
                    + "Install it with `apt-get install redis-server` (.ci/run does when it runs as root).", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.readString(log);
                process.destroyForcibly();
                throw new AssertionError("redis-server did not answer PING on port " + port + ":\n" + output);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private boolean answersPing() {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[7];
            int read = in.readNBytes(answer, 0, answer.length);
            String reply = new String(answer, 0, read, StandardCharsets.US_ASCII);
            // A server that requires a password answers -NOAUTH: it is up all the same.
            return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }
}
