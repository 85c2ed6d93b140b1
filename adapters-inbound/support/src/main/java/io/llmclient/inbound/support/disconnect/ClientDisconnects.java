package io.llmclient.inbound.support.disconnect;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.llmclient.application.deadline.DeadlineSweeper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Notices a client that closes its connection while its non-streamed call waits for a provider,
 * and cancels that call (see docs/decisions.md, 'A caller that leaves is noticed while its call
 * waits'): without this the call went on for nobody, its
 * retries included, up to four upstream calls and minutes of work.
 *
 * <p>Helidon serves a connection on one virtual thread, which is blocked in the provider call while
 * it waits: nobody reads the client's socket, and Helidon has no close callback. Reading the socket
 * from another thread would take bytes from Helidon's reader. So the kernel is asked instead: a
 * connection whose client has sent its FIN is in TCP state CLOSE_WAIT in {@code /proc/self/net/tcp}
 * (or {@code tcp6}), and one it reset is no longer listed ({@link ProcNetTcp}). nginx treats a
 * client's end of input the same way ({@code proxy_ignore_client_abort off}); a client that only
 * shuts down its sending side and still waits for the answer is therefore taken as gone too.
 *
 * <p>A waiting call registers its connection's two ends and its thread
 * ({@link #whileWaiting(ServerRequest, Supplier)}). One sweeper virtual thread
 * ({@link DeadlineSweeper}, running only while calls are registered) looks every {@link #TICK}, and
 * only when some call has waited longer than {@link #GRACE}: it reads the tables once for all such
 * calls, and interrupts the thread of each whose connection is in CLOSE_WAIT, or gone from the
 * table after it had been seen there (a connection never seen is left alone, so that a mismatch
 * between the socket's addresses and the table's can never cancel calls). The interrupt ends the
 * provider wait ({@code WholeCallDeadline}), a retry back-off or a rate-limit queue wait; the call
 * ends as {@code ClientCancelled} without a retry or a fallback, and the request is answered by
 * closing the connection: nobody is left to read an answer.
 *
 * <p>Where the tables cannot be read (not Linux), it is off, and says so once at start-up.
 */
public final class ClientDisconnects {
    /** How often the sweeper looks. */
    static final Duration TICK = Duration.ofMillis(500);
    /** How long a call waits before its connection is looked at: most calls end sooner, unlooked at. */
    static final Duration GRACE = Duration.ofMillis(500);
    /** How many ticks in a row without a waiting call the sweeper waits before it stops. */
    static final int IDLE_TICKS = 4;

    private static final System.Logger LOG = System.getLogger(ClientDisconnects.class.getName());
    private static final List<Path> PROC_TABLES = List.of(Path.of("/proc/self/net/tcp"),
            Path.of("/proc/self/net/tcp6"));

    /** The text of the kernel's TCP tables, one after the other. */
    @FunctionalInterface
    interface Tables {
        String read() throws IOException;
    }

    private final Tables tables;
    private final Duration grace;
    private final DeadlineSweeper<Watch> sweeper;
    private final AtomicBoolean unreadableReported = new AtomicBoolean();

    /**
     * @param tables where the tables are read; null when it is off
     * @param tick   how often the sweeper looks
     * @param grace  how long a call waits before it is looked at
     */
    ClientDisconnects(Tables tables, Duration tick, Duration grace) {
        this.tables = tables;
        this.grace = Objects.requireNonNull(grace, "grace");
        this.sweeper = new DeadlineSweeper<>("client-disconnects", tick, IDLE_TICKS, this::check);
    }

    /**
     * Watching through {@code /proc/self/net/tcp} and {@code tcp6} (either may be missing, as
     * {@code tcp6} is without IPv6); off, which it logs once (INFO), when neither can be read.
     */
    public static ClientDisconnects fromProc() {
        Optional<Tables> tables = procTables();
        if (tables.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "a client that disconnects while its call waits is not noticed: {0} "
                    + "cannot be read (not Linux?); such a call runs to its end", PROC_TABLES.getFirst());
            return off();
        }
        return new ClientDisconnects(tables.get(), TICK, GRACE);
    }

    /** The kernel's tables of this process's network namespace, when they can be read. */
    static Optional<Tables> procTables() {
        List<Path> readable = PROC_TABLES.stream().filter(Files::isReadable).toList();
        Tables tables = () -> {
            var text = new StringBuilder();
            for (Path table : readable) {
                text.append(Files.readString(table, StandardCharsets.US_ASCII));
            }
            return text.toString();
        };
        return readable.isEmpty() || !readsWell(tables) ? Optional.empty() : Optional.of(tables);
    }

    // The tables exist but may still be refused (a sandbox): one read at start-up tells.
    private static boolean readsWell(Tables tables) {
        try {
            tables.read();
            return true;
        } catch (IOException | RuntimeException refused) {
            return false;
        }
    }

    /** Watching nothing: every call runs to its end (tests, and where the tables cannot be read). */
    public static ClientDisconnects off() {
        return new ClientDisconnects(null, TICK, GRACE);
    }

    /** Whether client disconnects are noticed. */
    public boolean on() {
        return tables != null;
    }

    /**
     * Runs {@code call} on this thread, cancelling it (by interrupting this thread) if the request's
     * client closes its connection meanwhile.
     *
     * @throws CloseConnectionException when the client left and the call was cancelled, whatever it
     *                                  returned or threw (an Error passes as it is): Helidon then
     *                                  closes the connection without writing an answer
     */
    public <T> T whileWaiting(ServerRequest req, Supplier<T> call) {
        return whileWaiting(req.localPeer().address(), req.remotePeer().address(), call);
    }

    /** As above, for the connection with these two ends as its server socket reports them. */
    <T> T whileWaiting(SocketAddress local, SocketAddress remote, Supplier<T> call) {
        Optional<ProcNetTcp.Ends> ends = on() ? ProcNetTcp.Ends.of(local, remote) : Optional.empty();
        if (ends.isEmpty()) {
            return call.get();
        }
        var watch = new Watch(ends.get(), Thread.currentThread(), System.nanoTime() + grace.toNanos());
        sweeper.add(watch);
        T result;
        try {
            result = call.get();
        } catch (RuntimeException failed) {
            throw watch.close() ? clientGone(failed) : failed;
        } catch (Error error) {
            watch.close();
            throw error;
        }
        if (watch.close()) {
            throw clientGone(null);
        }
        return result;
    }

    private static CloseConnectionException clientGone(Throwable cause) {
        return new CloseConnectionException("the client closed its connection while its call waited: "
                + "call cancelled, connection closed unanswered", cause);
    }

    // The sweeper's look at the calls that have waited past the grace: one read of the tables for all.
    // Never throws: the sweeper thread must go on.
    private void check(List<Watch> due) {
        Map<ProcNetTcp.Ends, Integer> states;
        try {
            Set<Integer> ports = new HashSet<>();
            due.forEach(watch -> ports.add(watch.ends.local().getPort()));
            states = ProcNetTcp.states(tables.read(), ports);
        } catch (IOException | RuntimeException unreadable) {
            if (unreadableReported.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "the TCP table cannot be read ({0}): a client that disconnects "
                        + "while its call waits is not noticed until it can", unreadable.getClass().getName());
            }
            return;
        }
        for (Watch watch : due) {
            Integer state = states.get(watch.ends);
            if (state == null ? watch.listed : state == ProcNetTcp.CLOSE_WAIT) {
                LOG.log(System.Logger.Level.DEBUG, "client {0} closed its connection while its call waited: "
                        + "call cancelled", watch.ends.remote());
                watch.expire();
            } else if (state != null) {
                watch.listed = true;
            }
        }
    }

    /** Whether the sweeper thread is running; for tests. */
    boolean sweeping() {
        return sweeper.sweeping();
    }

    /** One waiting call: its connection, its thread, and whether it was cancelled. */
    private final class Watch extends DeadlineSweeper.Watched {
        private static final int WAITING = 0;
        private static final int DONE = 1;
        private static final int INTERRUPTING = 2;
        private static final int CANCELLED = 3;

        private final ProcNetTcp.Ends ends;
        private final Thread waiter;
        private final long dueNanos;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        /** Seen in a table: from then on, gone from it means closed. Read and written by the sweeper only. */
        private volatile boolean listed;

        Watch(ProcNetTcp.Ends ends, Thread waiter, long dueNanos) {
            this.ends = ends;
            this.waiter = waiter;
            this.dueNanos = dueNanos;
        }

        @Override
        public long deadlineNanos() {
            return dueNanos;
        }

        /**
         * Cancels the call: interrupts the waiting thread, again at every later look while it has not
         * finished, since code below the call may swallow one interrupt. Called by {@link #check}.
         */
        @Override
        public void expire() {
            if (state.compareAndSet(WAITING, INTERRUPTING) || state.compareAndSet(CANCELLED, INTERRUPTING)) {
                waiter.interrupt();
                state.set(CANCELLED);
            }
        }

        /**
         * Stops watching, on the waiting thread. True when the call was cancelled: then waits until an
         * interrupt being delivered has landed, and clears it, since it was meant for the call, not
         * for what the thread does next.
         */
        boolean close() {
            sweeper.remove(this);
            while (true) {
                if (state.compareAndSet(WAITING, DONE)) {
                    return false;
                }
                if (state.compareAndSet(CANCELLED, DONE)) {
                    Thread.interrupted();
                    return true;
                }
                Thread.onSpinWait();
            }
        }
    }
}
