package io.llmclient.state.redis;

import io.llmclient.application.deadline.WholeCallDeadline;
import io.llmclient.application.state.StateStore;
import io.llmclient.application.state.StateUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * One connection pool to the Redis (or Valkey) the replicas share, for every kind of shared state
 * (quotas, provider health). Each call is bounded by the timeout; every failure reaches callers as
 * a {@link StateUnavailableException} whose message says what happened (no answer in time, no
 * connection, wrong password, a read-only replica, keys of another shape) and never holds the
 * password. Scripts are loaded once and called by {@code EVALSHA}, loaded again when the server
 * answers {@code NOSCRIPT} (a restart or a failover forgets them). Over {@code rediss://} the server's
 * certificate must be signed by a trusted CA (the ones given, else the JVM's trust store) and name
 * the URL's host.
 *
 * <p>Connections are made with the socket timeout (so connecting and the handshake are bounded).
 * A call from a virtual thread (every request, and the service's own state threads) then reads its
 * answer without one, bounded by a {@link WholeCallDeadline} around the command alone: a socket
 * timeout arms and cancels a timer of the JDK's scheduler on every read of a virtual thread, a sixth
 * of the service's CPU per shared request (docs/decisions.md 45). The deadline's interrupt can only
 * land in the command's socket I/O, never in the pool, and a connection it stopped is dropped. A
 * platform thread, whose read an interrupt cannot stop, keeps the socket timeout. See
 * docs/decisions.md sections 31, 32 and 45.
 */
public final class RedisStore implements StateStore, AutoCloseable {
    private final RedisClient redis;
    private final CommandObjects commands = new CommandObjects(RedisProtocol.RESP3);
    private final HostAndPort address;
    private final long timeoutMillis;
    private final WholeCallDeadline deadline;

    /**
     * Connects (lazily: the pool opens connections when calls need them).
     *
     * @param url            {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
     * @param timeout        bounds connecting, every call and the wait for a pooled connection
     * @param maxConnections the pool's size: calls beyond it wait for a connection (within timeout)
     * @throws IllegalArgumentException when the URL is not one of those
     */
    public RedisStore(String url, Duration timeout, int maxConnections) {
        this(url, timeout, maxConnections, List.of());
    }

    /**
     * Connects (lazily), over TLS trusting exactly {@code trustedCas} when they are given.
     *
     * @param url            {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
     * @param timeout        bounds connecting, every call and the wait for a pooled connection
     * @param maxConnections the pool's size: calls beyond it wait for a connection (within timeout)
     * @param trustedCas     the CAs a {@code rediss://} server's certificate must chain to
     *                       ({@code LLM_STATE_CA_FILE}); empty: the JVM's trust store
     * @throws IllegalArgumentException when the URL is not one of those, or CAs are given for a
     *                                  {@code redis://} URL (which would not use them)
     */
    public RedisStore(String url, Duration timeout, int maxConnections, List<X509Certificate> trustedCas) {
        Objects.requireNonNull(trustedCas, "trustedCas");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
        URI uri = parse(url);
        this.timeoutMillis = Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        var config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) timeoutMillis)
                .socketTimeoutMillis((int) timeoutMillis)
                // Named, as the commands are built for it (Redis 7 and Valkey speak RESP3).
                .protocol(RedisProtocol.RESP3)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .clientName("llm-gateway");
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            config.sslOptions(tls(trustedCas));
        } else if (!trustedCas.isEmpty()) {
            // A CA for a plain-text URL means TLS was meant: refusing beats running without it unnoticed.
            throw new IllegalArgumentException("CA certificates are given (LLM_STATE_CA_FILE) but the URL is "
                    + "redis://, without TLS: use rediss://");
        }
        var pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMaxWait(timeout);
        this.address = JedisURIHelper.getHostAndPort(uri);
        this.redis = RedisClient.builder()
                .hostAndPort(address)
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
        this.deadline = new WholeCallDeadline(timeout, this::timedOut);
    }

    private StateUnavailableException timedOut() {
        return new StateUnavailableException(noAnswerInTime());
    }

    private String noAnswerInTime() {
        return "Redis at " + address + " did not answer within " + timeoutMillis + " ms (LLM_STATE_TIMEOUT)";
    }

    // Trusts exactly the given CAs (an in-memory trust store), or the JVM's trust store when none are
    // given; FULL also checks that the certificate names the URL's host (DNS name or IP address).
    private static SslOptions tls(List<X509Certificate> trustedCas) {
        var options = SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL);
        if (trustedCas.isEmpty()) {
            return options.build();
        }
        // Not a secret: the store holds only public certificates, and never leaves memory.
        char[] password = "trusted-cas".toCharArray();
        try {
            var trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < trustedCas.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, trustedCas.get(i));
            }
            var bytes = new ByteArrayOutputStream();
            trusted.store(bytes, password);
            byte[] store = bytes.toByteArray();
            return options.trustStoreType("PKCS12").truststore(() -> new ByteArrayInputStream(store), password).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the CA certificates given: " + e.getMessage(), e);
        }
    }

    private static URI parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL (redis://[user:password@]host:port[/db] or rediss://...): "
                    + e.getReason(), e);
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("a Redis URL starts with redis:// or rediss://, not '"
                    + uri.getScheme() + "://'");
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("a Redis URL names its host and port: redis://host:6379");
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.substring(1).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("a Redis URL's path is the database number, such as /0, not '" + path + "'");
        }
        return uri;
    }

    /** A script from this package's resources (each name's text joined in order), to run on this store. */
    Script script(String... resources) {
        var source = new StringBuilder();
        for (String name : resources) {
            source.append(resource(name));
        }
        return new Script(source.toString());
    }

    @Override
    public void ping() {
        // A write, so that a read-only replica is reported as what it is; it expires at once.
        guarded(connection -> connection.executeCommand(commands.set("llm-gateway:ping", "1", SetParams.setParams().px(1))));
    }

    /**
     * Runs a call on a pooled connection within the timeout, turning every failure into a
     * {@link StateUnavailableException} that says what happened.
     */
    <T> T guarded(Function<Connection, T> call) {
        try (Connection connection = redis.getPool().getResource()) {
            if (!Thread.currentThread().isVirtual()) {
                connection.setSoTimeout((int) timeoutMillis);
                return call.apply(connection);
            }
            connection.setSoTimeout(0);
            try {
                return deadline.call(() -> call.apply(connection));
            } catch (StateUnavailableException | CancellationException stopped) {
                // Its socket was closed mid-command, or a reply may still be on its way: never reuse it.
                connection.setBroken();
                throw stopped;
            }
        } catch (JedisException e) {
            // A key of another shape fails the calls that use it, not the store: the link stays up.
            if (String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                throw StateUnavailableException.ofThisCallOnly(describe(e), e);
            }
            throw new StateUnavailableException(describe(e), e);
        } catch (ClassCastException | NumberFormatException | IndexOutOfBoundsException e) {
            throw unreadable(e);
        }
    }

    /** Reads a reply; one of a shape the reading does not expect is a {@link StateUnavailableException}. */
    <T> T read(Supplier<T> reading) {
        try {
            return reading.get();
        } catch (ClassCastException | NumberFormatException | IndexOutOfBoundsException e) {
            throw unreadable(e);
        }
    }

    private StateUnavailableException unreadable(RuntimeException e) {
        return new StateUnavailableException("Redis at " + address + " answered in a shape this version "
                + "does not read: " + e.getMessage(), e);
    }

    private String describe(JedisException e) {
        String message = String.valueOf(e.getMessage());
        if (causedBy(e, SocketTimeoutException.class)) {
            return noAnswerInTime();
        }
        if (causedBy(e, SSLException.class)) {
            return tlsFailure(e);
        }
        if (message.startsWith("READONLY")) {
            return "Redis at " + address + " is a read-only replica: point LLM_STATE_URL at the primary";
        }
        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")) {
            return "Redis at " + address + " refused the credentials of LLM_STATE_URL ("
                    + message.split(" ", 2)[0] + ")";
        }
        if (message.startsWith("WRONGTYPE")) {
            // The scripts check their keys before writing: the call changed nothing, and nothing is deleted.
            return "Redis at " + address + " holds a key under LLM_STATE_PREFIX that this version did not write "
                    + "(left by another program or an older version?); the call changed nothing: "
                    + message.replaceFirst(" script: \\w+, on @user_script:\\d+\\.?$", "");
        }
        if (message.contains("Could not get a resource") || message.contains("Pool")) {
            return "no connection to Redis at " + address + " came free within " + timeoutMillis + " ms";
        }
        return "Redis at " + address + " failed: " + message;
    }

    private String tlsFailure(JedisException e) {
        String detail = rootMessage(e);
        if (causedBy(e, CertPathBuilderException.class) || detail.contains("PKIX")) {
            return "TLS with Redis at " + address + " failed: its certificate is not signed by a trusted CA "
                    + "(LLM_STATE_CA_FILE names the CAs to trust, else the JVM's trust store is used): " + detail;
        }
        if (causedBy(e, CertificateException.class)) {
            return "TLS with Redis at " + address + " failed: its certificate does not name the host "
                    + address.getHost() + " (or is not valid): " + detail;
        }
        return "TLS with Redis at " + address + " failed (is the server speaking TLS, with a certificate?): " + detail;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String resource(String name) {
        try (InputStream in = RedisStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    /** A script loaded once per server and called by its SHA1; loaded again when the server forgot it. */
    final class Script {
        private final String source;
        private volatile String sha;

        private Script(String source) {
            this.source = source;
        }

        /**
         * Runs it and reads its reply with {@code reading}: a reply of a shape the reading does not
         * expect is a {@link StateUnavailableException} too, never a stray runtime exception.
         */
        <T> T run(List<String> keys, List<String> args, Function<Object, T> reading) {
            Object reply = run(keys, args);
            return read(() -> reading.apply(reply));
        }

        /** Runs it; a failure is a {@link StateUnavailableException}. */
        Object run(List<String> keys, List<String> args) {
            return guarded(connection -> {
                String known = sha;
                if (known == null) {
                    known = load(connection);
                }
                try {
                    return connection.executeCommand(commands.evalsha(known, keys, args));
                } catch (JedisNoScriptException e) {
                    return connection.executeCommand(commands.evalsha(load(connection), keys, args));
                }
            });
        }

        private String load(Connection connection) {
            String loaded = connection.executeCommand(commands.scriptLoad(source));
            sha = loaded;
            return loaded;
        }
    }
}
