package io.llmclient.jsonrpc.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One element of a JSON-RPC body, checked against the JSON-RPC 2.0 request object: a call to
 * dispatch, or an invalid request to answer with -32600. Members other than {@code jsonrpc},
 * {@code method}, {@code params} and {@code id} are refused, so a misspelt {@code param} or
 * {@code ID} is reported instead of silently running a call without it.
 */
public sealed interface Envelope {
    Set<String> MEMBERS = Set.of("jsonrpc", "method", "params", "id");
    int MAX_NAMES_SHOWN = 5;
    int MAX_NAME_LENGTH = 64;

    /** The params member when it is present (any JSON type), for the best-effort trace id. */
    Optional<JsonNode> params();

    /**
     * A well-formed request. {@code id} is empty for a notification (no {@code id} member); a
     * present id is a string, a number or null.
     */
    record Call(Optional<JsonNode> id, String method, Optional<JsonNode> params) implements Envelope {
        public Call {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(params, "params");
        }

        public boolean isNotification() {
            return id.isEmpty();
        }
    }

    /** Not a JSON-RPC request object; {@code id} is the request's id when it could be read, else null. */
    record Invalid(JsonNode id, String reason, Optional<JsonNode> params) implements Envelope {
        public Invalid {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(params, "params");
        }
    }

    /** Checks one element of the body. */
    static Envelope read(JsonNode element) {
        if (!element.isObject()) {
            return new Invalid(NullNode.getInstance(), "expected a request object, got " + kind(element),
                    Optional.empty());
        }
        var problems = new ArrayList<String>();
        JsonNode version = element.get("jsonrpc");
        if (version == null) {
            problems.add("jsonrpc is required and must be \"2.0\"");
        } else if (!version.isTextual() || !"2.0".equals(version.textValue())) {
            problems.add("jsonrpc must be exactly \"2.0\"");
        }
        JsonNode method = element.get("method");
        if (method == null) {
            problems.add("method is required");
        } else if (!method.isTextual()) {
            problems.add("method must be a string");
        }
        Optional<JsonNode> params = Optional.ofNullable(element.get("params"));
        if (params.isPresent() && !params.get().isContainerNode()) {
            problems.add("params must be an object or an array, not " + kind(params.get()));
        }
        JsonNode id = element.get("id");
        boolean idReadable = id == null || id.isTextual() || id.isNumber() || id.isNull();
        if (!idReadable) {
            problems.add("id must be a string, a number or null, not " + kind(id));
        }
        List<String> unknown = new ArrayList<>();
        element.fieldNames().forEachRemaining(name -> {
            if (!MEMBERS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            problems.add("unknown member" + (unknown.size() > 1 ? "s " : " ") + shown(unknown)
                    + " (a request holds only jsonrpc, method, params, id)");
        }
        if (!problems.isEmpty()) {
            JsonNode echo = idReadable && id != null ? id : NullNode.getInstance();
            return new Invalid(echo, String.join("; ", problems), params);
        }
        return new Call(Optional.ofNullable(id), method.textValue(), params);
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY, MISSING, POJO -> "an unsupported value";
        };
    }

    // Names come from the caller and may be long; only a few, cut short, go back in the message.
    private static String shown(List<String> names) {
        var quoted = names.stream().limit(MAX_NAMES_SHOWN)
                .map(name -> "'" + (name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) + "..." : name)
                        + "'")
                .toList();
        return String.join(", ", quoted) + (names.size() > MAX_NAMES_SHOWN ? ", ..." : "");
    }
}
