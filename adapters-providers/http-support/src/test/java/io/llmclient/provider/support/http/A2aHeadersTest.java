package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.domain.chat.A2aContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class A2aHeadersTest {

    @Test
    void theTraceIdAlwaysTravelsAndTheOthersWhenKnown() {
        var headers = A2aHeaders.of(new A2aContext("t-1", Optional.of("planner"), Optional.of("s-9")));
        assertEquals(List.of(Map.entry("X-Trace-Id", "t-1"), Map.entry("X-Source-Agent", "planner"),
                Map.entry("X-Session-Id", "s-9")), List.copyOf(headers.entrySet()));
    }

    @Test
    void absentAgentAndSessionSendNoHeader() {
        assertEquals(Map.of("X-Trace-Id", "t-2"), A2aHeaders.of(A2aContext.ofTrace("t-2")));
    }
}
