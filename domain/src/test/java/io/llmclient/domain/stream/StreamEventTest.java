package io.llmclient.domain.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamEventTest {

    @Test
    void everyEventRefusesAMissingPayload() {
        assertThrows(NullPointerException.class, () -> new StreamEvent.Delta(null));
        assertThrows(NullPointerException.class, () -> new StreamEvent.Completed(null));
        assertThrows(NullPointerException.class, () -> new StreamEvent.Failed(null));
    }

    @Test
    void eventsCarryTheirPayload() {
        var response = new ChatResponse("id", "sim-fast", "sim-fast", ProviderId.SIMULATOR, "Hello",
                FinishReason.STOP, new Usage(1, 1), "t", Duration.ZERO);
        var failure = new LlmFailure.RateLimited(ProviderId.OPENAI, Optional.empty());
        assertEquals("Hel", new StreamEvent.Delta("Hel").text());
        assertEquals(response, new StreamEvent.Completed(response).response());
        assertEquals(failure, new StreamEvent.Failed(failure).failure());
    }
}
