package io.llmclient.bench;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.validation.ChatRequestParser;
import io.llmclient.domain.validation.Validated;
import io.llmclient.provider.openai.OpenAiWire;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The OpenAI adapter's request mapping (to body bytes) and response mapping (from the recorded body). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OpenAiMappingBenchmark {
    private final OpenAiWire wire = new OpenAiWire();
    private final byte[] responseBody = Fixtures.bytes("openai-response.json");
    private final ChatRequest request = switch (ChatRequestParser.parse(Map.of("model", "gpt-4.1-mini",
            "messages", List.of(Map.of("role", "system", "content", "You are terse."),
                    Map.of("role", "user", "content", "Hello!")), "temperature", 0.2, "max_tokens", 256),
            A2aContext.ofTrace("bench-trace"))) {
        case Validated.Valid<ChatRequest> valid -> valid.value();
        case Validated.Invalid<ChatRequest> invalid -> throw new IllegalStateException(invalid.errors().toString());
    };

    @Benchmark
    public byte[] requestToWire() {
        return wire.requestBody(request, "gpt-4.1-mini-2025-04-14", false);
    }

    @Benchmark
    public Object responseFromWire() {
        return wire.completion(responseBody);
    }

    @Benchmark
    public Object responseFromWireByTree() {
        return wire.completionByTree(responseBody);
    }
}
