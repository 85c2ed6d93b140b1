package io.llmclient.bootstrap.logging;

import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.domain.chat.A2aContext;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The request log on Log4j: one JSON line per finished request at INFO, with the contract's
 * fields ({@code trace_id}, {@code source_agent}, {@code session_id}, {@code model},
 * {@code provider}, {@code latency_ms}, {@code status}) as top-level properties, and the
 * selection rationale of each request at DEBUG (shown with {@code LLM_LOG_LEVEL=DEBUG}).
 */
public final class Log4jRequestLog implements RequestLog {
    private static final Logger LOG = LogManager.getLogger("io.llmclient.request");

    @Override
    public void selection(A2aContext context, String rationale) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(withContext(new RequestLine("model selection: " + rationale), context));
        }
    }

    @Override
    public void completed(RequestRecord record) {
        // Below INFO (LLM_LOG_LEVEL=WARN) the line is not built: ten fields a request for nothing.
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String status = record.status().name().toLowerCase(Locale.ROOT);
        var line = withContext(new RequestLine("request " + record.operation() + " " + status), record.context())
                .field("operation", record.operation())
                .field("model", record.model().orElse(null))
                .field("provider", record.provider().orElse(null))
                .field("latency_ms", record.latency().toMillis())
                .field("status", status)
                .field("error_type", record.errorType().orElse(null))
                .field("cost_usd", record.cost().map(cost -> cost.usd()).orElse(null));
        LOG.info(line);
    }

    private static RequestLine withContext(RequestLine line, A2aContext context) {
        return line.field("trace_id", context.traceId())
                .field("source_agent", context.sourceAgent().orElse(null))
                .field("session_id", context.sessionId().orElse(null))
                .field("principal", context.principal());
    }
}
