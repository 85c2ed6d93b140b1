package io.llmclient.application.resilience;

import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The store's semantics (as the Redis scripts have them) in memory, on a test clock: a fake of our
 * own port for the local-view tests; the Redis adapter is tested against a real redis-server.
 */
final class MemoryHealthStore implements ProviderHealthStore {
    private final TimeSource time;
    private final Map<ProviderId, Long> pausedUntil = new HashMap<>();
    private final Map<ProviderId, long[]> circuits = new HashMap<>();
    private final Map<ProviderId, String> probes = new HashMap<>();
    private boolean down;
    private Runnable duringRead = () -> { };
    private Runnable afterRead = () -> { };
    int writes;
    int reads;

    MemoryHealthStore(TimeSource time) {
        this.time = time;
    }

    synchronized void down(boolean down) {
        this.down = down;
    }

    synchronized void afterRead(Runnable hook) {
        this.afterRead = hook;
    }

    synchronized void duringRead(Runnable hook) {
        this.duringRead = hook;
    }

    private void check() {
        if (down) {
            throw new StateUnavailableException("store down (test)");
        }
    }

    private long now() {
        return time.nanoTime();
    }

    @Override
    public synchronized void pause(ProviderId provider, Duration wait) {
        check();
        writes++;
        pausedUntil.merge(provider, now() + wait.toNanos(), Math::max);
    }

    @Override
    public synchronized void open(ProviderId provider, Duration openFor, int failures, boolean reopen) {
        check();
        writes++;
        long[] open = circuits.get(provider);
        if (!reopen && open != null && (now() < open[0] || probes.containsKey(provider))) {
            return;
        }
        circuits.put(provider, new long[] {now() + openFor.toNanos(), failures});
        probes.remove(provider);
    }

    @Override
    public synchronized ProbeClaim claimProbe(ProviderId provider, String holder, Duration lease) {
        check();
        long[] circuit = circuits.get(provider);
        if (circuit == null) {
            return ProbeClaim.CLOSED;
        }
        if (now() < circuit[0] || probes.containsKey(provider)) {
            return ProbeClaim.REFUSED;
        }
        probes.put(provider, holder);
        return ProbeClaim.GRANTED;
    }

    @Override
    public synchronized void releaseProbe(ProviderId provider, String holder) {
        check();
        writes++;
        probes.remove(provider, holder);
    }

    @Override
    public synchronized void close(ProviderId provider) {
        check();
        writes++;
        circuits.remove(provider);
        probes.remove(provider);
    }

    @Override
    public Map<ProviderId, Reading> read(Collection<ProviderId> providers) {
        Runnable hook;
        synchronized (this) {
            check();
            hook = duringRead;
        }
        hook.run();
        var readings = new HashMap<ProviderId, Reading>();
        Runnable after;
        synchronized (this) {
            reads++;
            after = afterRead;
            for (ProviderId provider : providers) {
                long left = Math.max(0, pausedUntil.getOrDefault(provider, now()) - now());
                long[] circuit = circuits.get(provider);
                readings.put(provider, new Reading(Duration.ofNanos(left), circuit == null ? Optional.empty()
                        : Optional.of(new StoredCircuit(Duration.ofNanos(circuit[0] - now()), (int) circuit[1],
                                probes.containsKey(provider)))));
            }
        }
        after.run();
        return readings;
    }
}
