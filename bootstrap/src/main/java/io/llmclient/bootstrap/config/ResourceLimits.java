package io.llmclient.bootstrap.config;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * What this process may hold, read once at start-up, and the defaults derived from it: the
 * connection cap from the descriptor limit, the buffer budgets from the heap (docs/decisions.md,
 * 'Slow and idle clients'; docs/security.md "Defaults against abuse").
 *
 * @param descriptorLimit  the process's open-file limit ({@code ulimit -n}); 0 when unknown
 * @param descriptorsInUse descriptors open at start-up (jars, logs, the listener)
 * @param maxHeapBytes     the heap the JVM may grow to
 */
public record ResourceLimits(long descriptorLimit, long descriptorsInUse, long maxHeapBytes) {
    /**
     * Descriptors kept back for what is not a client connection: the idle upstream connections
     * kept for reuse (at most 256, decision 14), the audit log, and room for files opened later.
     */
    static final long RESERVED_DESCRIPTORS = 256 + 64;
    /** The cap when the descriptor limit cannot be read (not a Unix JVM). */
    static final int UNKNOWN_LIMIT_MAX_CONNECTIONS = 10_000;
    /** A floor, so that a tiny limit still serves someone (and fails loudly if even that is too many). */
    static final int MIN_CONNECTIONS = 16;

    /** This process, now. */
    public static ResourceLimits current() {
        long heap = Runtime.getRuntime().maxMemory();
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return new ResourceLimits(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount(), heap);
        }
        return new ResourceLimits(0, 0, heap);
    }

    /**
     * {@code LLM_MAX_CONNECTIONS} when unset: half of the descriptors left after those in use and
     * the reserve, because a stream holds two (the client's and the provider's connection). Past
     * the cap Helidon stops accepting, and new connections wait in the kernel's backlog instead of
     * failing {@code accept} with "Too many open files", which would stop the listener for good.
     */
    public int defaultMaxConnections() {
        if (descriptorLimit <= 0) {
            return UNKNOWN_LIMIT_MAX_CONNECTIONS;
        }
        long free = descriptorLimit - descriptorsInUse - RESERVED_DESCRIPTORS;
        return Math.clamp(free / 2, MIN_CONNECTIONS, Integer.MAX_VALUE);
    }

    /** {@code LLM_BODY_BUFFER_BYTES} when unset: an eighth of the heap for request bodies being read. */
    public long defaultBodyBufferBytes() {
        return Math.max(1, maxHeapBytes / 8);
    }

    /** {@code LLM_RESPONSE_BUFFER_BYTES} when unset: a quarter of the heap for upstream answers being buffered. */
    public long defaultResponseBufferBytes() {
        return Math.max(1, maxHeapBytes / 4);
    }
}
