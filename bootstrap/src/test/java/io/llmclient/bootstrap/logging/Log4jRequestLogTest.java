package io.llmclient.bootstrap.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.bootstrap.CapturedLogs;
import io.llmclient.domain.chat.A2aContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

class Log4jRequestLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNode onlyLine(Runnable logging) throws Exception {
        try (var logs = CapturedLogs.capture()) {
            logging.run();
            assertEquals(1, logs.lines().size(), logs.lines().toString());
            return JSON.readTree(logs.lines().getFirst());
        }
    }

    @Test
    void finishedRequestLogsContractFieldsAtTopLevel() throws Exception {
        var context = new A2aContext("t-123", Optional.of("planner"), Optional.of("s-9"));
        JsonNode line = onlyLine(() -> new Log4jRequestLog().completed(new RequestRecord(context, "complete",
                Optional.of("gpt-4.1-mini"), Optional.of("openai"), Duration.ofMillis(412),
                RequestRecord.Status.SUCCESS, Optional.empty())));
        assertEquals("INFO", line.path("level").asText());
        assertEquals("io.llmclient.request", line.path("logger").asText());
        assertEquals("request complete success", line.path("message").asText());
        assertEquals("t-123", line.path("trace_id").asText());
        assertEquals("planner", line.path("source_agent").asText());
        assertEquals("s-9", line.path("session_id").asText());
        assertEquals("gpt-4.1-mini", line.path("model").asText());
        assertEquals("openai", line.path("provider").asText());
        assertTrue(line.path("latency_ms").isNumber());
        assertEquals(412, line.path("latency_ms").asInt());
        assertEquals("success", line.path("status").asText());
        assertTrue(line.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }

    @Test
    void absentFieldsAreLeftOutRatherThanNull() throws Exception {
        JsonNode line = onlyLine(() -> new Log4jRequestLog().completed(new RequestRecord(A2aContext.ofTrace("t-1"),
                "prepare", Optional.empty(), Optional.empty(), Duration.ZERO, RequestRecord.Status.ERROR,
                Optional.of("InvalidParams"))));
        for (String absent : new String[] {"source_agent", "session_id", "model", "provider"}) {
            assertFalse(line.has(absent), absent + " in " + line);
        }
        assertEquals("InvalidParams", line.path("error_type").asText());
    }

    @Test
    void selectionRationaleIsLoggedAtDebugWithTheTrace() throws Exception {
        Level before = LogManager.getLogger("io.llmclient.request").getLevel();
        Configurator.setLevel("io.llmclient.request", Level.DEBUG);
        try {
            JsonNode line = onlyLine(() -> new Log4jRequestLog().selection(A2aContext.ofTrace("t-7"),
                    "tier fast -> sim-fast"));
            assertEquals("DEBUG", line.path("level").asText());
            assertEquals("model selection: tier fast -> sim-fast", line.path("message").asText());
            assertEquals("t-7", line.path("trace_id").asText());
        } finally {
            Configurator.setLevel("io.llmclient.request", before);
        }
    }

    @Test
    void selectionRationaleIsNotShownAtTheDefaultLevel() {
        try (var logs = CapturedLogs.capture()) {
            new Log4jRequestLog().selection(A2aContext.ofTrace("t-8"), "tier fast -> sim-fast");
            assertEquals(List.of(), logs.lines());
        }
    }

    @Test
    void aFinishedRequestLogsNothingBelowInfo() {
        Level before = LogManager.getLogger("io.llmclient.request").getLevel();
        Configurator.setLevel("io.llmclient.request", Level.WARN);
        try (var logs = CapturedLogs.capture()) {
            new Log4jRequestLog().completed(new RequestRecord(A2aContext.ofTrace("t-9"), "complete",
                    Optional.of("gpt-4.1-mini"), Optional.of("openai"), Duration.ofMillis(3),
                    RequestRecord.Status.SUCCESS, Optional.empty()));
            assertEquals(List.of(), logs.lines());
        } finally {
            Configurator.setLevel("io.llmclient.request", before);
        }
    }

    @Test
    void julRecordsBecomeTheSameJsonLines() throws Exception {
        JsonNode line = onlyLine(() -> java.util.logging.Logger.getLogger("io.helidon.test").warning("from JUL"));
        assertEquals("WARN", line.path("level").asText());
        assertEquals("io.helidon.test", line.path("logger").asText());
        assertEquals("from JUL", line.path("message").asText());
    }

    @Test
    void systemLoggerRecordsBecomeTheSameJsonLines() throws Exception {
        JsonNode line = onlyLine(() -> System.getLogger("io.llmclient.test").log(System.Logger.Level.INFO, "from JPL"));
        assertEquals("io.llmclient.test", line.path("logger").asText());
        assertEquals("from JPL", line.path("message").asText());
    }
}
