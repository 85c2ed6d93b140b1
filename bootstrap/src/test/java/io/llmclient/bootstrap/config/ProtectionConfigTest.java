package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings that keep one client or a deploy from taking the service down (issue 18). */
class ProtectionConfigTest {
    private static final long MIB = 1024 * 1024;
    private static final ResourceLimits MACHINE = new ResourceLimits(20_000, 180, 768 * MIB);

    @TempDir
    Path dir;

    private ServiceConfig.Protection read(Map<String, String> env) {
        return ServiceConfigReader.protection(new Values(ConfigLayers.load(env, dir)), MACHINE);
    }

    @Test
    void defaultsFollowTheMachineAndNginxLikeTimeouts() {
        assertEquals(new ServiceConfig.Protection((20_000 - 180 - 320) / 2, Duration.ofSeconds(75),
                Duration.ofSeconds(10), 96 * MIB, 192 * MIB, Duration.ofSeconds(15), Duration.ofSeconds(30)),
                read(Map.of()));
    }

    @Test
    void everySettingCanBeSet() {
        assertEquals(new ServiceConfig.Protection(300, Duration.ofSeconds(5), Duration.ofMillis(2500), 4096, 8192,
                        Duration.ofMillis(500), Duration.ZERO),
                read(Map.of("LLM_MAX_CONNECTIONS", "300", "LLM_IDLE_CONNECTION_TIMEOUT", "5",
                        "LLM_REQUEST_READ_TIMEOUT", "2.5", "LLM_BODY_BUFFER_BYTES", "4096",
                        "LLM_RESPONSE_BUFFER_BYTES", "8192", "LLM_SSE_KEEPALIVE", "0.5", "LLM_SHUTDOWN_GRACE", "0")));
    }

    @Test
    void aDescriptorLimitTooSmallForTheReserveStillServesTheFloor() {
        assertEquals(ResourceLimits.MIN_CONNECTIONS, new ResourceLimits(256, 100, MIB).defaultMaxConnections());
        assertEquals(ResourceLimits.UNKNOWN_LIMIT_MAX_CONNECTIONS, new ResourceLimits(0, 0, MIB).defaultMaxConnections());
    }

    @Test
    void brokenValuesNameTheKeyAndTheRule() {
        assertEquals("LLM_REQUEST_READ_TIMEOUT: must be a number of seconds > 0, got \"0\"",
                assertThrows(InvalidConfigException.class,
                        () -> read(Map.of("LLM_REQUEST_READ_TIMEOUT", "0"))).getMessage());
        assertEquals("LLM_MAX_CONNECTIONS: must be a whole number >= 1, got \"-3\"",
                assertThrows(InvalidConfigException.class,
                        () -> read(Map.of("LLM_MAX_CONNECTIONS", "-3"))).getMessage());
        assertEquals("LLM_SSE_KEEPALIVE: must be a number of seconds > 0, got \"0\"",
                assertThrows(InvalidConfigException.class, () -> read(Map.of("LLM_SSE_KEEPALIVE", "0"))).getMessage());
    }
}
