package io.llmclient.provider.openai;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.provider.conformance.WireFuzz;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.time.Clock;
import java.util.Optional;

/**
 * Whatever OpenAI (or anything posing as it) sends: a stream is assembled or refused with a
 * named failure (WireFormatException, LlmFailureException), a completion body maps or is
 * malformed, an error answer always maps to a failure, and no failure carries the key.
 * Regression over the committed inputs in every build; docs/security.md has the fuzzing command.
 */
class OpenAiWireFuzzTest {
    private static final String KEY = "sk-" + "test-canary-FuzzKey0123456789abcdefghijKEY9";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenAiErrorMapper ERRORS = new OpenAiErrorMapper(Optional.of(new ApiKey(KEY)),
            Clock.systemUTC());
    private static final WireFuzz FUZZ = new WireFuzz(KEY, WireFormatException.class);

    @FuzzTest(maxDuration = "30s")
    void anyEventStreamIsAssembledOrRefusedByName(byte[] upstream) {
        var assembler = new StreamAssembler(new OpenAiStreamDecoder(JSON), ERRORS);
        FUZZ.eventStream(upstream, assembler::accept, assembler::done, () -> assembler.result().content(),
                () -> assembler.result().toolCalls());
    }

    @FuzzTest(maxDuration = "30s")
    void anyCompletionBodyMapsOrIsMalformed(byte[] body) {
        FUZZ.completionBody(body, root -> OpenAiResponseMapper.completion(root).usage());
    }

    @FuzzTest(maxDuration = "30s")
    void anyErrorAnswerBecomesAFailureThatNeverCarriesTheKey(FuzzedDataProvider data) {
        FUZZ.errorAnswer(data, ERRORS::fromHttp);
    }
}
