package io.llmclient.state.redis;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.QuotaState;
import io.llmclient.application.governance.Standing;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The quota state shared by all replicas, on Redis (or Valkey): each step of a request is one Lua
 * script, run atomically by the server on its own clock ({@code TIME}), so that several replicas
 * admit exactly what one would. Every key is {@code <prefix>{<slot>}:...}: the hash tag is the
 * party's slot (the team id, else the key id; contract section 14), so that a key and its team live
 * in one Redis Cluster slot and one script checks them together. Windows expire 60 s after their
 * last write, in-flight counts {@code inFlightTtl} after their last admission (a replica that died
 * holding places gives them back by expiry), spend of a period a day after the period's end; only
 * {@code total} spend is kept for ever. Budget periods are named from the caller's {@code now}.
 * The scripts are loaded once and called by {@code EVALSHA}, loaded again when the server answers
 * {@code NOSCRIPT} (a restart or a failover forgets them). See docs/decisions.md section 31.
 */
public final class RedisQuotaState implements QuotaState, AutoCloseable {
    /** The prefix of every key unless another is given. */
    public static final String DEFAULT_PREFIX = "llm:";

    // A period's spend outlives the period's end by this much, for replicas whose clocks lag.
    private static final long SPEND_GRACE_MILLIS = 86_400_000L;

    private static final BudgetPeriod[] PERIODS = BudgetPeriod.values();

    private final RedisClient redis;
    private final String prefix;
    private final String inFlightTtlMillis;
    private final Script admit;
    private final Script settle;
    private final Script standings;

    /**
     * Connects (lazily: the pool opens connections when calls need them).
     *
     * @param url            {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
     * @param prefix         put before every key, such as {@link #DEFAULT_PREFIX}
     * @param timeout        bounds connecting and every call
     * @param inFlightTtl    how long an in-flight count outlives its last admission; longer than
     *                       the longest request, as it is what a dead replica's places are held for
     * @param maxConnections the pool's size: calls beyond it wait for a connection (within timeout)
     * @throws IllegalArgumentException when the URL is not one of those
     */
    public RedisQuotaState(String url, String prefix, Duration timeout, Duration inFlightTtl, int maxConnections) {
        Objects.requireNonNull(prefix, "prefix");
        if (timeout.isNegative() || timeout.isZero() || inFlightTtl.isNegative() || inFlightTtl.isZero()) {
            throw new IllegalArgumentException("the timeout and the in-flight TTL must be positive");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
        URI uri = parse(url);
        int timeoutMillis = Math.toIntExact(Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        var config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .clientName("llm-gateway");
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            // TLS verified against the JVM's trust store; a CA of its own is the next slice's setting.
            config.sslOptions(SslOptions.defaults());
        }
        var pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMaxWait(timeout);
        this.redis = RedisClient.builder()
                .hostAndPort(JedisURIHelper.getHostAndPort(uri))
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
        this.prefix = prefix;
        this.inFlightTtlMillis = Long.toString(inFlightTtl.toMillis());
        String common = resource("common.lua");
        this.admit = new Script(common + resource("admit.lua"));
        this.settle = new Script(common + resource("settle.lua"));
        this.standings = new Script(common + resource("standings.lua"));
    }

    private static URI parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL (redis://[user:password@]host:port[/db] or rediss://...): "
                    + e.getMessage(), e);
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

    private static String resource(String name) {
        try (InputStream in = RedisQuotaState.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Admission admit(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return new Admission.Admitted(List.of());
        }
        var keys = new ArrayList<String>(1 + 5 * parties.size());
        var args = new ArrayList<String>(2 + 4 * parties.size());
        keys.add(slotKey(parties) + ":seq");
        args.add(inFlightTtlMillis);
        args.add(Integer.toString(parties.size()));
        for (LimitedParty party : parties) {
            addWindowKeys(keys, party, now);
            Limits limits = party.limits();
            args.add(orAbsent(limits.rpm()));
            args.add(orAbsent(limits.tpm()));
            args.add(orAbsent(limits.maxParallel()));
            args.add(limits.budget().map(budget -> Long.toString(budget.limit().nanos())).orElse("-1"));
        }
        List<?> reply = (List<?>) admit.run(keys, args);
        if (number(reply.get(0)) == 1) {
            var standings = new ArrayList<Standing>(parties.size());
            for (int i = 0; i < parties.size(); i++) {
                int at = 1 + 5 * i;
                standings.add(standing(parties.get(i), reply, at, Optional.empty()));
            }
            return new Admission.Admitted(standings);
        }
        LimitedParty party = parties.get((int) number(reply.get(1)) - 1);
        String limit = text(reply.get(2));
        return new Admission.Refused(switch (limit) {
            case "rpm" -> new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.RPM,
                    Optional.of(Duration.ofMillis(number(reply.get(3)))));
            case "tpm" -> new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.TPM,
                    Optional.of(Duration.ofMillis(number(reply.get(3)))));
            case "max_parallel" -> new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.MAX_PARALLEL, Optional.empty());
            case "budget" -> {
                Budget budget = party.limits().budget().orElseThrow();
                yield new LlmFailure.BudgetExceeded(party.id(), budget.limit(),
                        new NanoUsd(Long.parseLong(text(reply.get(3)))), budget.period(), budget.period().resetsAt(now));
            }
            default -> throw new IllegalStateException("the admit script refused by an unknown limit: " + limit);
        });
    }

    @Override
    public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
        if (parties.isEmpty()) {
            return;
        }
        var keys = new ArrayList<String>(1 + 7 * parties.size());
        var args = new ArrayList<String>(6 + parties.size());
        keys.add(slotKey(parties) + ":seq");
        args.add(Integer.toString(parties.size()));
        args.add(Long.toString(Math.max(0, tokens)));
        args.add(Long.toString(Math.max(0, cost.nanos())));
        for (BudgetPeriod period : PERIODS) {
            period.resetsAt(now).ifPresent(end -> args.add(Long.toString(end.toEpochMilli() + SPEND_GRACE_MILLIS)));
        }
        for (LimitedParty party : parties) {
            String base = partyKey(party);
            keys.add(base + ":tpm");
            keys.add(base + ":tpm-sum");
            keys.add(base + ":inflight");
            for (BudgetPeriod period : PERIODS) {
                keys.add(spendKey(party, period, now));
            }
        }
        for (LimitedParty party : parties) {
            args.add(party.limits().tpm().isPresent() ? "1" : "0");
        }
        settle.run(keys, args);
    }

    @Override
    public List<Standing> standings(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return List.of();
        }
        var keys = new ArrayList<String>(5 * parties.size());
        for (LimitedParty party : parties) {
            addWindowKeys(keys, party, now);
        }
        List<?> reply = (List<?>) standings.run(keys, List.of(Integer.toString(parties.size())));
        var result = new ArrayList<Standing>(parties.size());
        for (int i = 0; i < parties.size(); i++) {
            int at = 6 * i;
            LimitedParty party = parties.get(i);
            Optional<Standing.Spend> spend = party.limits().budget().map(budget -> new Standing.Spend(budget.limit(),
                    new NanoUsd(Long.parseLong(text(reply.get(at + 5)))), budget.period(),
                    budget.period().resetsAt(now)));
            result.add(standing(party, reply, at, spend));
        }
        return result;
    }

    @Override
    public void close() {
        redis.close();
    }

    // The five keys of a party that admit and standings read: rpm window, tpm window, tpm running
    // sum, in-flight count, spend of its budget's current period (of total when it has no budget:
    // a key of its slot that is never read).
    private void addWindowKeys(List<String> keys, LimitedParty party, Instant now) {
        String base = partyKey(party);
        keys.add(base + ":rpm");
        keys.add(base + ":tpm");
        keys.add(base + ":tpm-sum");
        keys.add(base + ":inflight");
        keys.add(spendKey(party, party.limits().budget().map(Budget::period).orElse(BudgetPeriod.TOTAL), now));
    }

    private static Standing standing(LimitedParty party, List<?> reply, int at, Optional<Standing.Spend> spend) {
        Limits limits = party.limits();
        long requests = number(reply.get(at));
        long requestsReset = number(reply.get(at + 1));
        long tokens = number(reply.get(at + 2));
        long tokensReset = number(reply.get(at + 3));
        long inFlight = number(reply.get(at + 4));
        return new Standing(party,
                limits.rpm().map(rpm -> new Standing.Window(rpm, Math.max(0, rpm - requests),
                        Duration.ofMillis(requestsReset))),
                limits.tpm().map(tpm -> new Standing.Window(tpm, Math.max(0, tpm - tokens),
                        Duration.ofMillis(tokensReset))),
                limits.maxParallel().map(max -> new Standing.InFlight(max, inFlight)), spend);
    }

    private String slotKey(List<LimitedParty> parties) {
        return prefix + "{" + parties.getFirst().slot() + "}";
    }

    private String partyKey(LimitedParty party) {
        return prefix + "{" + party.slot() + "}:" + party.kind().name().toLowerCase(Locale.ROOT) + ":" + party.id();
    }

    private String spendKey(LimitedParty party, BudgetPeriod period, Instant now) {
        return prefix + "{" + party.slot() + "}:spend:" + party.kind().name().toLowerCase(Locale.ROOT) + ":"
                + party.id() + ":" + period.periodName(now);
    }

    private static String orAbsent(Optional<Long> limit) {
        return limit.map(value -> Long.toString(value)).orElse("-1");
    }

    private static long number(Object value) {
        return value instanceof Long number ? number : Long.parseLong(text(value));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    /** A script loaded once per server and called by its SHA1; loaded again when the server forgot it. */
    private final class Script {
        private final String source;
        private volatile String sha;

        Script(String source) {
            this.source = source;
        }

        Object run(List<String> keys, List<String> args) {
            String known = sha;
            if (known == null) {
                known = load();
            }
            try {
                return redis.evalsha(known, keys, args);
            } catch (JedisNoScriptException e) {
                return redis.evalsha(load(), keys, args);
            }
        }

        private String load() {
            String loaded = redis.scriptLoad(source);
            sha = loaded;
            return loaded;
        }
    }
}
