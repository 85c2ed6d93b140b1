package io.llmclient.bench;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.openai.OpenAiReEmit;
import io.llmclient.jsonrpc.protocol.Responses;
import io.llmclient.provider.anthropic.AnthropicWire;
import io.llmclient.provider.gemini.GeminiWire;
import io.llmclient.provider.openai.OpenAiWire;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One whole recorded upstream stream per operation: SSE parse, the provider's assembler, and the
 * re-emit of every event as the OpenAI-compatible surface ({@code chat.completion.chunk} bytes) or
 * the JSON-RPC surface ({@code {"delta":...}} bytes) writes it. Divide by the fixture's event count
 * (printed at setup) for the cost per chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StreamBenchmark {
    @Param({"openai", "anthropic", "gemini"})
    public String provider;

    @Param({"openai", "jsonrpc"})
    public String surface;

    private final JsonCodec codec = new JsonCodec(1 << 20);
    private final Responses responses = new Responses(codec.nodes());
    private final OpenAiReEmit openAi = new OpenAiReEmit(codec);
    private final OpenAiWire openAiWire = new OpenAiWire();
    private final AnthropicWire anthropicWire = new AnthropicWire();
    private final GeminiWire geminiWire = new GeminiWire();
    private final CallContext geminiContext = new CallContext(
            ModelEntry.of("gemini-2.5-flash", ProviderId.GEMINI, ModelTier.FAST), A2aContext.ofTrace("bench"));
    private byte[] sse;

    @Setup
    public void load() {
        sse = Fixtures.bytes(provider + "-stream.sse");
        int[] deltas = {0};
        int events = run(event -> deltas[0]++);
        System.out.println("# fixture " + provider + ": " + events + " upstream events, " + deltas[0]
                + " stream events re-emitted per op");
    }

    @Benchmark
    public int parseAndReEmit(Blackhole out) {
        Consumer<StreamEvent> reEmit;
        if (surface.equals("openai")) {
            OpenAiReEmit.Stream chunks = openAi.stream();
            reEmit = event -> out.consume(chunks.chunk(event));
        } else {
            reEmit = event -> out.consume(jsonRpc(event));
        }
        return run(reEmit);
    }

    private byte[] jsonRpc(StreamEvent event) {
        return switch (event) {
            case StreamEvent.Delta delta -> codec.write(responses.object().put("delta", delta.text()));
            default -> openAi.chunk(event);
        };
    }

    private int run(Consumer<StreamEvent> sink) {
        return switch (provider) {
            case "openai" -> openAiWire.stream(sse, sink);
            case "anthropic" -> anthropicWire.stream(sse, sink);
            case "gemini" -> geminiWire.stream(sse, geminiContext, sink);
            default -> throw new IllegalArgumentException(provider);
        };
    }
}
