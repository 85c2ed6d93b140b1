package io.llmclient.state.redis;

import io.llmclient.application.resilience.ProbeClaim;
import io.llmclient.application.resilience.ProviderHealthStore;
import io.llmclient.domain.chat.ProviderId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Provider cooldowns and circuits shared by all replicas, on Redis (or Valkey): each step is one
 * script or atomic command, on the server's clock ({@code TIME} and TTLs). Keys are
 * {@code <prefix>{provider:<id>}:cooldown}, {@code :circuit} and {@code :probe}, hash-tagged by
 * provider so that each step touches one Redis Cluster slot; the poll's {@link #read} reads every
 * provider in one script (one round trip, several slots: standalone Redis, like the rest of this
 * module for now). Everything expires: a cooldown with its wait, a probe with its lease, a circuit
 * {@code remember} after its open time. Failures are
 * {@link io.llmclient.application.state.StateUnavailableException}s ({@link RedisStore}).
 */
public final class RedisProviderHealth implements ProviderHealthStore {
    private static final int READ_WIDTH = 5;

    private final String prefix;
    private final long rememberMillis;
    private final RedisStore.Script pause;
    private final RedisStore.Script open;
    private final RedisStore.Script claim;
    private final RedisStore.Script release;
    private final RedisStore.Script close;
    private final RedisStore.Script read;

    /**
     * Provider health on {@code store}.
     *
     * @param store    the connection to Redis, shared with the other kinds of shared state
     * @param prefix   put before every key, such as {@link RedisQuotaState#DEFAULT_PREFIX}
     * @param remember how long a circuit stays half-open waiting for a probe after its open time,
     *                 before it is forgotten (closed): the TTL of an open circuit is its open time
     *                 plus this
     */
    public RedisProviderHealth(RedisStore store, String prefix, Duration remember) {
        Objects.requireNonNull(store, "store");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (!remember.isPositive()) {
            throw new IllegalArgumentException("remember must be positive");
        }
        this.rememberMillis = remember.toMillis();
        this.pause = store.script("health-pause.lua");
        this.open = store.script("health-common.lua", "health-open.lua");
        this.claim = store.script("health-common.lua", "health-claim.lua");
        this.release = store.script("health-release.lua");
        this.close = store.script("health-close.lua");
        this.read = store.script("health-common.lua", "health-read.lua");
    }

    @Override
    public void pause(ProviderId provider, Duration wait) {
        if (!wait.isPositive()) {
            return;
        }
        pause.run(List.of(key(provider, "cooldown")), List.of(Long.toString(millisUp(wait))));
    }

    @Override
    public void open(ProviderId provider, Duration openFor, int failures, boolean reopen) {
        open.run(List.of(key(provider, "circuit"), key(provider, "probe")), List.of(Long.toString(millisUp(openFor)),
                Integer.toString(Math.max(0, failures)), reopen ? "1" : "0", Long.toString(rememberMillis)));
    }

    @Override
    public ProbeClaim claimProbe(ProviderId provider, String holder, Duration lease) {
        long answer = claim.run(List.of(key(provider, "circuit"), key(provider, "probe")),
                List.of(holder, Long.toString(millisUp(lease))), RedisProviderHealth::number);
        return answer == 1 ? ProbeClaim.GRANTED : answer == 0 ? ProbeClaim.REFUSED : ProbeClaim.CLOSED;
    }

    @Override
    public void releaseProbe(ProviderId provider, String holder) {
        release.run(List.of(key(provider, "probe")), List.of(holder));
    }

    @Override
    public void close(ProviderId provider) {
        close.run(List.of(key(provider, "circuit"), key(provider, "probe")), List.of());
    }

    @Override
    public Map<ProviderId, Reading> read(Collection<ProviderId> providers) {
        if (providers.isEmpty()) {
            return Map.of();
        }
        List<ProviderId> order = List.copyOf(providers);
        var keys = new ArrayList<String>(3 * order.size());
        for (ProviderId provider : order) {
            keys.add(key(provider, "cooldown"));
            keys.add(key(provider, "circuit"));
            keys.add(key(provider, "probe"));
        }
        return read.run(keys, List.of(), reply -> readings((List<?>) reply, order));
    }

    private static Map<ProviderId, Reading> readings(List<?> reply, List<ProviderId> order) {
        var readings = new HashMap<ProviderId, Reading>();
        for (int i = 0; i < order.size(); i++) {
            int at = READ_WIDTH * i;
            Duration paused = Duration.ofMillis(Math.max(0, number(reply.get(at))));
            Optional<StoredCircuit> circuit = number(reply.get(at + 1)) == 1
                    ? Optional.of(new StoredCircuit(Duration.ofMillis(number(reply.get(at + 2))),
                            (int) number(reply.get(at + 3)), number(reply.get(at + 4)) == 1))
                    : Optional.empty();
            readings.put(order.get(i), new Reading(paused, circuit));
        }
        return readings;
    }

    private String key(ProviderId provider, String what) {
        return prefix + "{provider:" + provider.value() + "}:" + what;
    }

    // Rounded up: a wait cut short by a fraction of a millisecond would let a call in too early.
    private static long millisUp(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isPositive() ? millis + 1 : Math.max(1, millis);
    }

    private static long number(Object value) {
        return value instanceof Long number ? number
                : Long.parseLong(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                        : String.valueOf(value));
    }
}
