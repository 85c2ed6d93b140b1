package io.llmclient.provider.anthropic;

/**
 * Answers no recording covers, composed in the documented shape from the recorded pieces
 * ({@code messages-stream-tooluse.sse} for the event sequence, id, model and usage): parallel
 * tool calls after a text block, and the same as one message object.
 */
final class ComposedStreams {
    private ComposedStreams() {
    }

    /**
     * A text block (content index 0), then two {@code tool_use} blocks (content indexes 1 and 2),
     * one after the other as Anthropic streams blocks; the first call's input in two fragments.
     */
    static String textThenTwoCalls() {
        return """
                event: message_start
                data: {"type":"message_start","message":{"model":"claude-haiku-4-5-20251001","id":"msg_01AusY9WEbCaj3N7Tv5J4YjH","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":656,"output_tokens":26}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking both."}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\": "}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: content_block_start
                data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"zone\\": \\"PST\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":2}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":90}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
    }

    /** {@link #textThenTwoCalls()} as one message object, as a completion answers it. */
    static String textThenTwoCallsMessage() {
        return """
                {"model":"claude-haiku-4-5-20251001","id":"msg_01AusY9WEbCaj3N7Tv5J4YjH","type":"message",
                 "role":"assistant","content":[{"type":"text","text":"Checking both."},
                 {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"location":"Paris"}},
                 {"type":"tool_use","id":"toolu_B","name":"get_time","input":{"zone":"PST"}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":656,"output_tokens":90}}""";
    }

    /**
     * The recorded tool_use stream as one message object: same id, model, call and counts, the
     * input as Anthropic's non-streaming answers write it (compact JSON).
     */
    static String recordedCallMessage() {
        return """
                {"model":"claude-haiku-4-5-20251001","id":"msg_01AusY9WEbCaj3N7Tv5J4YjH","type":"message",
                 "role":"assistant","content":[{"type":"tool_use","id":"toolu_018acGYLtfR52q9yDbWaEdQZ",
                 "name":"get_weather","input":{"location":"San Francisco, CA","units":"f"},"caller":{"type":"direct"}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":656,"output_tokens":74}}""";
    }
}
