package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.provider.openai.failure.OpenAiErrorMapper;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamAssemblerTest {
    private final ObjectMapper json = new ObjectMapper();
    private final StreamAssembler assembler = new StreamAssembler(json,
            new OpenAiErrorMapper(json, Optional.of(new ApiKey("unused-secret")), Clock.systemUTC()));

    private String accept(String data) {
        return assembler.accept(new ServerSentEvent(ServerSentEvent.DEFAULT_TYPE, data, ""));
    }

    @Test
    void currentStreamsWithUsageNullAndObfuscationOnEveryChunkStillSumUp() {
        // Documented for current streams (fixture SOURCES.md, "Gaps"): "usage": null and an
        // "obfuscation" string on every non-final chunk.
        assertEquals("Hi", accept("{\"id\":\"c1\",\"model\":\"gpt-5-mini-2025-08-07\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1\"}"));
        assertEquals("", accept("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                + "\"usage\":null,\"obfuscation\":\"y2\"}"));
        accept("{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}");
        accept("[DONE]");
        assertEquals(new OpenAiResponseMapper.Completion("c1", "gpt-5-mini-2025-08-07", "Hi", FinishReason.LENGTH,
                new Usage(5, 1)), assembler.result());
    }

    @Test
    void theRecordedStreamReadsAsOneEventPerDataLineEndingInDone() throws IOException {
        var reader = new EventStreamReader(new ByteArrayInputStream(Fixtures.bytes("chat-stream.sse")));
        List<ServerSentEvent> events = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            events.add(event.get());
        }
        assertEquals(34, events.size());
        assertEquals("[DONE]", events.getLast().data());
        assertEquals(ServerSentEvent.DEFAULT_TYPE, events.getFirst().type());
    }
}
