package io.llmclient.jsonrpc.method;

import io.llmclient.jsonrpc.protocol.JsonRpcError;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which method names exist, and which of them may run inside a batch. Adding a method is one
 * {@link Builder#method} line (or {@link Builder#streaming} for one answered with a stream); a
 * method announced but not built yet is {@link Builder#later}.
 */
public final class MethodTable {
    private final Map<String, RpcMethod> methods;
    private final Map<String, StreamMethod> streaming;
    private final Map<String, String> later;
    private final Set<String> notInBatch;

    private MethodTable(Builder builder) {
        this.methods = Map.copyOf(builder.methods);
        this.streaming = Map.copyOf(builder.streaming);
        this.later = Map.copyOf(builder.later);
        this.notInBatch = Set.copyOf(builder.notInBatch);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What a lookup found. */
    public sealed interface Lookup {
        /** The method to run. */
        record Found(RpcMethod method) implements Lookup {
            public Found {
                Objects.requireNonNull(method, "method");
            }
        }

        /** The method to run, answered with a stream of events. Never found inside a batch. */
        record Streaming(StreamMethod method) implements Lookup {
            public Streaming {
                Objects.requireNonNull(method, "method");
            }
        }

        /** The call cannot run; answer with this error. */
        record Refused(JsonRpcError error) implements Lookup {
            public Refused {
                Objects.requireNonNull(error, "error");
            }
        }
    }

    /** Finds a method for a call, single or inside a batch. */
    public Lookup find(String name, boolean inBatch) {
        if (inBatch && notInBatch.contains(name)) {
            return new Lookup.Refused(JsonRpcError.invalidRequest(shown(name) + " cannot be called inside a batch;"
                    + " send it as a single request"));
        }
        RpcMethod method = methods.get(name);
        if (method != null) {
            return new Lookup.Found(method);
        }
        StreamMethod stream = streaming.get(name);
        if (stream != null) {
            return new Lookup.Streaming(stream);
        }
        String why = later.get(name);
        if (why != null) {
            return new Lookup.Refused(JsonRpcError.methodNotFound("Method not found: " + name + " " + why));
        }
        return new Lookup.Refused(JsonRpcError.methodNotFound("Method not found: " + shown(name)));
    }

    // A method name comes from the caller and may be long: only its start is echoed.
    private static String shown(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }

    /** Collects the table. */
    public static final class Builder {
        private final Map<String, RpcMethod> methods = new LinkedHashMap<>();
        private final Map<String, StreamMethod> streaming = new LinkedHashMap<>();
        private final Map<String, String> later = new LinkedHashMap<>();
        private final Set<String> notInBatch = new HashSet<>();

        private Builder() {
        }

        /** A method that can be called now. */
        public Builder method(String name, RpcMethod method) {
            methods.put(name, Objects.requireNonNull(method, "method"));
            return this;
        }

        /**
         * A method answered with a stream. It is refused inside a batch: a batch's answer is one
         * JSON array, which cannot hold an event stream, and answering it would mean holding the
         * whole batch until the longest stream ended.
         */
        public Builder streaming(String name, StreamMethod method) {
            streaming.put(name, Objects.requireNonNull(method, "method"));
            notInBatch.add(name);
            return this;
        }

        /** A method the contract names but this build does not serve yet; {@code why} ends its -32601 message. */
        public Builder later(String name, String why) {
            later.put(name, why);
            return this;
        }

        /** A method refused inside a batch (-32600), such as a stream, whose answer is not one JSON value. */
        public Builder notInBatch(String name) {
            notInBatch.add(name);
            return this;
        }

        public MethodTable build() {
            return new MethodTable(this);
        }
    }
}
