package io.llmclient.inbound.support.context;

import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids that name a request or an answer (trace ids, completion and message ids): unique
 * enough to correlate logs and answers, never secrets. Drawn from {@link ThreadLocalRandom}, as
 * OpenTelemetry's default id generator draws trace ids: {@link UUID#randomUUID()} reads the
 * process-wide {@code SecureRandom} under its lock, 2 % of the service's CPU per non-streamed
 * request when profiled (docs/benchmarks/llm-performance.md, issue 24 session 13).
 */
public final class RandomIds {
    private RandomIds() {
    }

    /** A version-4 UUID, as text ({@code 8-4-4-4-12} hex digits). */
    public static String uuid() {
        return version4().toString();
    }

    /** A version-4 UUID as 32 hex digits without dashes (the shape of OpenAI's and Anthropic's ids). */
    public static String hex() {
        UUID id = version4();
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(id.getMostSignificantBits()) + hex.toHexDigits(id.getLeastSignificantBits());
    }

    private static UUID version4() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = random.nextLong() & ~0xF000L | 0x4000L;
        long least = random.nextLong() & ~(0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L;
        return new UUID(most, least);
    }
}
