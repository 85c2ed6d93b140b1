package io.llmclient.bootstrap.lifecycle;

import io.llmclient.inbound.support.drain.Readiness;
import io.llmclient.inbound.support.admission.InFlightLimitFilter;
import io.llmclient.inbound.support.sse.OpenStreams;
import java.time.Duration;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The graceful part of a shutdown (SIGTERM, docs/deployment.md): readiness goes DOWN at once, so
 * that the balancer stops sending work and new requests are refused with 503; the requests and
 * streams in flight get {@code LLM_SHUTDOWN_GRACE} to finish; streams still open then end with their
 * surface's error event rather than a cut connection.
 */
public final class Drain {
    private static final Logger LOG = LogManager.getLogger(Drain.class);

    private final Readiness readiness;
    private final InFlightLimitFilter inFlight;
    private final OpenStreams openStreams;
    // How long the handlers of ended streams get to return, so that their bodies end whole.
    private static final Duration ENDED_STREAMS_RETURN = Duration.ofSeconds(2);

    private final Duration grace;

    public Drain(Readiness readiness, InFlightLimitFilter inFlight, OpenStreams openStreams, Duration grace) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.openStreams = Objects.requireNonNull(openStreams, "openStreams");
        this.grace = Objects.requireNonNull(grace, "grace");
    }

    /**
     * Drains; returns once nothing is in flight or the grace has passed.
     *
     * @return true when everything in flight finished within the grace
     */
    public boolean run() {
        if (!readiness.drain()) {
            return true;
        }
        LOG.info("draining: /ready is DOWN, new requests get 503; {} in flight may take up to {}",
                inFlight.inFlight(), grace);
        try {
            boolean drained = inFlight.awaitIdle(grace);
            if (drained) {
                LOG.info("drained: nothing in flight");
            } else {
                int stillInFlight = inFlight.inFlight();
                int ended = openStreams.endAll();
                LOG.warn("grace of {} over with {} requests still in flight; {} streams ended with an error event",
                        grace, stillInFlight, ended);
                // A stream's body ends (its last chunk) only when its handler returns, which an ended
                // stream does at its next token: stopping the server before would cut the error event off.
                inFlight.awaitIdle(ENDED_STREAMS_RETURN);
            }
            return drained;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
