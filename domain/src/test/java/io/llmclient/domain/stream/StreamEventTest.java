package io.llmclient.domain.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.testing.ChatResponses;
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
        var response = ChatResponses.builder().id("id").model("sim-fast").provider(ProviderId.SIMULATOR)
                .content("Hello").finishReason(FinishReason.STOP).usage(1, 1).traceId("t").build();
        var failure = new LlmFailure.RateLimited(ProviderId.OPENAI, Optional.empty());
        assertEquals("Hel", new StreamEvent.Delta("Hel").text());
        assertEquals(response, new StreamEvent.Completed(response).response());
        assertEquals(failure, new StreamEvent.Failed(failure).failure());
    }
}
