package io.llmclient.application.state;

import io.llmclient.application.resilience.ProbeClaim;
import io.llmclient.application.resilience.ProviderHealth;
import io.llmclient.application.resilience.ProviderHealthStore;
import io.llmclient.application.resilience.SharedCircuit;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Provider health shared through a store (Redis), seen through a local view so that requests never
 * wait for the store: a background poll reads every provider's cooldown and circuit in one round
 * trip each {@code pollEvery}, and this replica's own events update the view at once and are
 * written to the store in the background, in order. So another replica's pause or circuit reaches
 * this one within about {@code pollEvery} plus a round trip. The only store call on a request's
 * path is the claim of a half-open circuit's probe, made by the one caller that would probe.
 *
 * <p>While the state link is down the view keeps what it learned (a pause keeps its deadline, an
 * open circuit its open time) and follows this replica's own events only; a probe is then this
 * replica's own decision, as with one replica. When the link is up again, the next poll brings the
 * others' state back (an opening made here meanwhile and never written gives way to it). Consecutive
 * failures are counted per replica: only an opening is shared.
 *
 * <p>In this package, beside the link it calls, rather than in {@code resilience}: the link
 * already depends on {@code resilience} (its sleeper), and the two packages must not form a cycle.
 */
public final class SharedProviderHealth implements ProviderHealth, AutoCloseable {
    private final ProviderHealthStore store;
    private final StateLink link;
    private final TimeSource time;
    private final Sleeper sleeper;
    private final Duration pollEvery;
    private final Duration probeLease;
    // Names this replica's probe lease, so that it frees only its own.
    private final String holder = UUID.randomUUID().toString();
    private final ConcurrentHashMap<ProviderId, View> views = new ConcurrentHashMap<>();
    private final Executor writer;
    private volatile boolean closed;
    private Thread poller;

    /** One provider as this replica sees it; guarded by its own monitor. */
    private static final class View {
        private boolean paused;
        private long pausedUntil;
        private SharedCircuit circuit = SharedCircuit.Unknown.INSTANCE;
        // Moves with every event of this replica and every write of one that ends: a read begun
        // before must not undo it.
        private long version;
        private int pendingWrites;
    }

    /**
     * A view of {@code store}; call {@link #start()} to begin polling.
     *
     * @param providers  the providers to follow from the start (others are added when first asked about)
     * @param pollEvery  how often the store is read: the delay before another replica's event is seen here
     * @param probeLease how long a probe may take before another replica may probe (its replica may have died)
     */
    public SharedProviderHealth(ProviderHealthStore store, StateLink link, TimeSource time, Sleeper sleeper,
                                Collection<ProviderId> providers, Duration pollEvery, Duration probeLease) {
        this(store, link, time, sleeper, providers, pollEvery, probeLease,
                Executors.newSingleThreadExecutor(Thread.ofVirtual().name("provider-health-writer").factory()));
    }

    /** As the other constructor, writing events with {@code writer} (tests write at once, in the caller). */
    public SharedProviderHealth(ProviderHealthStore store, StateLink link, TimeSource time, Sleeper sleeper,
                         Collection<ProviderId> providers, Duration pollEvery, Duration probeLease, Executor writer) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.store = Objects.requireNonNull(store, "store");
        this.link = Objects.requireNonNull(link, "link");
        this.time = Objects.requireNonNull(time, "time");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (!pollEvery.isPositive() || !probeLease.isPositive()) {
            throw new IllegalArgumentException("the poll interval and the probe lease must be positive");
        }
        this.pollEvery = pollEvery;
        this.probeLease = probeLease;
        providers.forEach(this::view);
    }

    /** Starts the background poll; it stops at {@link #close()}. */
    public synchronized void start() {
        if (poller == null && !closed) {
            poller = Thread.ofVirtual().name("provider-health-poll").start(this::pollUntilClosed);
        }
    }

    @Override
    public void paused(ProviderId provider, Duration wait) {
        View view = view(provider);
        synchronized (view) {
            extendPause(view, time.nanoTime() + wait.toNanos());
        }
        write(view, "provider_pause", () -> store.pause(provider, wait));
    }

    @Override
    public OptionalLong pausedUntil(ProviderId provider) {
        View view = view(provider);
        synchronized (view) {
            return view.paused ? OptionalLong.of(view.pausedUntil) : OptionalLong.empty();
        }
    }

    @Override
    public SharedCircuit circuit(ProviderId provider) {
        View view = view(provider);
        SharedCircuit known;
        synchronized (view) {
            known = view.circuit;
        }
        // Cut off, nobody's probe can be followed to its end: this replica may probe by itself.
        if (!link.up() && known instanceof SharedCircuit.Open open && open.probeOut()) {
            return open.withProbe(false);
        }
        return known;
    }

    @Override
    public void opened(ProviderId provider, Duration openFor, int failures, boolean probeFailed) {
        View view = view(provider);
        synchronized (view) {
            // An opening that finds the circuit in its open time, or probed, keeps it, as the store does.
            long now = time.nanoTime();
            if (probeFailed || !(view.circuit instanceof SharedCircuit.Open open)
                    || (open.untilNanos() - now <= 0 && !open.probeOut())) {
                event(view, new SharedCircuit.Open(now + openFor.toNanos(), failures, false));
            }
        }
        write(view, "provider_open", () -> store.open(provider, openFor, failures, probeFailed));
    }

    @Override
    public ProbeClaim claimProbe(ProviderId provider) {
        View view = view(provider);
        ProbeClaim claim;
        try {
            claim = link.call("provider_probe", () -> store.claimProbe(provider, holder, probeLease));
        } catch (StateUnavailableException unavailable) {
            // The store does not answer: this replica decides alone, as a single replica would.
            return ProbeClaim.GRANTED;
        }
        synchronized (view) {
            switch (claim) {
                // Until the next read says more: the probe is out, this replica's or another's.
                case GRANTED, REFUSED -> event(view, view.circuit instanceof SharedCircuit.Open open
                        ? open.withProbe(true) : new SharedCircuit.Open(time.nanoTime(), 0, true));
                case CLOSED -> event(view, SharedCircuit.Closed.INSTANCE);
            }
        }
        return claim;
    }

    @Override
    public void probeReleased(ProviderId provider) {
        View view = view(provider);
        synchronized (view) {
            if (view.circuit instanceof SharedCircuit.Open open) {
                event(view, open.withProbe(false));
            }
        }
        write(view, "provider_release", () -> store.releaseProbe(provider, holder));
    }

    @Override
    public void closed(ProviderId provider) {
        View view = view(provider);
        synchronized (view) {
            event(view, SharedCircuit.Closed.INSTANCE);
        }
        write(view, "provider_close", () -> store.close(provider));
    }

    /** Reads the store once and brings the view up to date: what the background poll runs each interval. */
    public void poll() {
        if (!link.up()) {
            return;
        }
        Map<ProviderId, Long> versions = new HashMap<>();
        views.forEach((provider, view) -> {
            synchronized (view) {
                versions.put(provider, view.version);
            }
        });
        if (versions.isEmpty()) {
            return;
        }
        List<ProviderId> providers = List.copyOf(versions.keySet());
        Map<ProviderId, ProviderHealthStore.Reading> readings;
        try {
            readings = link.call("provider_health", () -> store.read(providers));
        } catch (StateUnavailableException unavailable) {
            return;
        }
        long arrived = time.nanoTime();
        for (ProviderId provider : providers) {
            ProviderHealthStore.Reading reading = readings.getOrDefault(provider, ProviderHealthStore.Reading.NOTHING);
            View view = views.get(provider);
            synchronized (view) {
                if (reading.pausedFor().isPositive()) {
                    // Measured when the store answered, at most a round trip ago: waiting that much
                    // longer is harmless, calling earlier would only earn another 429.
                    extendPause(view, arrived + reading.pausedFor().toNanos());
                }
                if (view.version == versions.get(provider) && view.pendingWrites == 0) {
                    view.circuit = reading.circuit()
                            .<SharedCircuit>map(stored -> new SharedCircuit.Open(arrived + stored.openFor().toNanos(),
                                    stored.failures(), stored.probeOut()))
                            .orElse(SharedCircuit.Closed.INSTANCE);
                }
            }
        }
    }

    /** Stops the poll and the writer. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = poller;
        }
        if (running != null) {
            running.interrupt();
        }
        if (writer instanceof ExecutorService service) {
            service.shutdown();
        }
    }

    private void pollUntilClosed() {
        while (!closed) {
            try {
                sleeper.sleep(pollEvery);
            } catch (InterruptedException e) {
                return;
            }
            try {
                poll();
            } catch (RuntimeException unexpected) {
                // A reply of an unexpected shape must not end the poll: the next one may read well.
                continue;
            }
        }
    }

    private View view(ProviderId provider) {
        return views.computeIfAbsent(Objects.requireNonNull(provider, "provider"), id -> new View());
    }

    private static void extendPause(View view, long until) {
        if (!view.paused || until - view.pausedUntil > 0) {
            view.pausedUntil = until;
            view.paused = true;
        }
    }

    private static void event(View view, SharedCircuit circuit) {
        view.circuit = circuit;
        view.version++;
    }

    // In the background and in order: a request never waits for the store, and an opening is never
    // overtaken by the closing that follows it. A failed write cuts the link; the view keeps the event.
    private void write(View view, String operation, Runnable work) {
        synchronized (view) {
            view.pendingWrites++;
        }
        try {
            writer.execute(() -> {
                try {
                    link.run(operation, work);
                } catch (StateUnavailableException unavailable) {
                    // Counted and cut by the link; this replica goes on with its own view.
                } finally {
                    synchronized (view) {
                        view.pendingWrites--;
                        // A read sent before the write landed may not have seen it: it must not be applied.
                        view.version++;
                    }
                }
            });
        } catch (RejectedExecutionException shutDown) {
            synchronized (view) {
                view.pendingWrites--;
            }
        }
    }
}
