package io.llmclient.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.jsonrpc.method.ResultMapping;
import io.llmclient.jsonrpc.protocol.Envelope;
import io.llmclient.jsonrpc.protocol.EnvelopeReader;
import io.llmclient.jsonrpc.protocol.Responses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A JSON-RPC {@code llm.complete} envelope from bytes to params, and its result envelope back to bytes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonRpcEnvelopeBenchmark {
    private final JsonCodec codec = new JsonCodec(1 << 20);
    private final Responses responses = new Responses(codec.nodes());
    private final byte[] request = ("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"id\":42,\"params\":{"
            + "\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello!\"}],\"temperature\":0.2,\"max_tokens\":256,"
            + "\"trace_id\":\"t-1\",\"source_agent\":\"planner\"}}").getBytes(StandardCharsets.UTF_8);
    private final JsonNode id = codec.nodes().numberNode(42);
    private final ChatResponse response = new ChatResponse("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "gpt-4.1-mini",
            "gpt-4.1-mini-2025-04-14", ProviderId.OPENAI, "Hello! How can I assist you today?", FinishReason.STOP,
            new Usage(19, 10), "t-1", Duration.ofMillis(412));

    @Benchmark
    public Map<String, Object> parse() {
        JsonNode json = ((JsonCodec.Parsed.Json) codec.parse(request)).value();
        Envelope.Call call = (Envelope.Call) EnvelopeReader.read(json);
        return JsonCodec.toJavaMap(call.params().orElseThrow());
    }

    @Benchmark
    public byte[] write() {
        return codec.write(responses.success(id, ResultMapping.completion(response, codec.nodes())));
    }
}
