package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.governance.QuotaReport;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.service.PreparedRequest;
import io.llmclient.application.telemetry.MetricsReader;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.context.GatewayOverhead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The contract's {@code llm.*} methods on top of {@link LlmService}. */
public final class LlmMethods {
    public static final String COMPLETE = "llm.complete";
    public static final String MODELS = "llm.models";
    public static final String STREAM = "llm.stream";
    public static final String METRICS = "llm.metrics";
    public static final String QUOTA = "llm.quota";

    private final LlmService service;
    private final MetricsReader metrics;
    private final JsonNodeFactory nodes;

    private LlmMethods(LlmService service, MetricsReader metrics, JsonNodeFactory nodes) {
        this.service = service;
        this.metrics = metrics;
        this.nodes = nodes;
    }

    /** The method table of the JSON-RPC surface; {@code llm.metrics} reads {@code metrics}. */
    public static MethodTable table(LlmService service, MetricsReader metrics, JsonNodeFactory nodes) {
        var methods = new LlmMethods(service, metrics, nodes);
        return MethodTable.builder()
                .method(COMPLETE, methods::complete)
                .method(MODELS, methods::models)
                .streaming(STREAM, methods::stream)
                .method(METRICS, methods::metrics)
                .method(QUOTA, methods::quota)
                .build();
    }

    private JsonNode complete(Optional<JsonNode> params, Inbound inbound) {
        // No params is an empty object: validation then names each required field.
        Map<String, Object> byName = params.map(LlmMethods::byName).orElseGet(Map::of);
        PreparedRequest prepared = service.prepare(byName, inbound.headers(), service.arrival(), inbound.caller());
        try {
            return ResultMapping.completion(service.complete(prepared), nodes);
        } finally {
            GatewayOverhead.providerWaited(prepared.timer());
        }
    }

    private StreamMethod.Prepared stream(Optional<JsonNode> params, Inbound inbound, RequestTimer arrived) {
        Map<String, Object> byName = params.map(LlmMethods::byName).orElseGet(Map::of);
        PreparedRequest prepared = service.prepare(byName, inbound.headers(), arrived, inbound.caller());
        return new StreamMethod.Prepared() {
            @Override
            public void run(StreamSink sink) {
                service.stream(prepared, sink);
            }

            @Override
            public Duration overhead() {
                return prepared.overhead();
            }

            @Override
            public void release() {
                prepared.release();
            }
        };
    }

    private JsonNode models(Optional<JsonNode> params, Inbound inbound) {
        refuseParams(MODELS, params);
        return ResultMapping.models(service.models(inbound.caller()), nodes);
    }

    private JsonNode metrics(Optional<JsonNode> params, Inbound inbound) {
        refuseParams(METRICS, params);
        return MetricsResult.of(metrics.snapshot(), nodes);
    }

    // Neither counts toward the caller's limits nor is refused by them (contract section 14).
    private JsonNode quota(Optional<JsonNode> params, Inbound inbound) {
        refuseParams(QUOTA, params);
        var caller = inbound.caller();
        return QuotaResult.of(QuotaReport.of(caller.principal(), service.governance().standings(caller)), nodes);
    }

    private static void refuseParams(String method, Optional<JsonNode> params) {
        if (params.isPresent() && !params.get().isEmpty()) {
            var errors = new ArrayList<FieldError>();
            if (params.get().isObject()) {
                params.get().fieldNames().forEachRemaining(name -> errors.add(
                        new FieldError(shortened(name), "is not a known field; " + method + " takes no params")));
            } else {
                errors.add(new FieldError("params", method + " takes no params"));
            }
            throw new LlmFailureException(new LlmFailure.InvalidParams(errors));
        }
    }

    // A field name comes from the caller and may be long: only its start is echoed.
    private static String shortened(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }

    private static Map<String, Object> byName(JsonNode params) {
        if (!params.isObject()) {
            throw new LlmFailureException(new LlmFailure.InvalidParams(List.of(new FieldError("params",
                    "by-position (array) params are not supported; pass params as an object by name"))));
        }
        return JsonCodec.toJavaMap(params);
    }
}
