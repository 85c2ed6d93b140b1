package io.llmclient.domain.stream;

import io.llmclient.domain.tools.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reassembles the tool calls of a stream from its {@link StreamEvent.ToolCallDelta} fragments,
 * checking the fragment rules on the way: a provider adapter feeds it what it emits and takes
 * the {@code Completed} response's tool calls from it, so the two can never disagree; consumers
 * of a stream may use it the same way. Not thread-safe: one per stream.
 */
public final class ToolCallAssembler {
    private final List<String> ids = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<StringBuilder> arguments = new ArrayList<>();
    private final List<Optional<String>> signatures = new ArrayList<>();

    /**
     * Adds one fragment. Throws {@link IllegalArgumentException} when it breaks the rules: a
     * start out of index order or twice, or arguments for a call not started.
     */
    public void add(StreamEvent.ToolCallDelta delta) {
        int index = delta.index();
        if (delta.starts()) {
            if (index != ids.size()) {
                throw new IllegalArgumentException("tool call " + index + " starts out of order; next is " + ids.size());
            }
            ids.add(delta.id().orElseThrow());
            names.add(delta.name().orElseThrow());
            arguments.add(new StringBuilder(delta.arguments()));
            signatures.add(delta.thoughtSignature());
            return;
        }
        if (index >= ids.size()) {
            throw new IllegalArgumentException("arguments for tool call " + index + ", which has not started");
        }
        arguments.get(index).append(delta.arguments());
    }

    /** Whether no call has started. */
    public boolean isEmpty() {
        return ids.isEmpty();
    }

    /** The calls so far, in index order, each with its arguments concatenated and its start's signature. */
    public List<ToolCall> toolCalls() {
        var calls = new ArrayList<ToolCall>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            calls.add(new ToolCall(ids.get(i), names.get(i), arguments.get(i).toString(), signatures.get(i)));
        }
        return List.copyOf(calls);
    }
}
