package io.llmclient.inbound.support.refusal;

import io.helidon.http.Status;
import java.time.Duration;
import java.util.Optional;

/**
 * A request refused before its surface's handler ran (contract section 14): what was refused, with
 * the HTTP status, {@code Retry-After} and connection handling that every surface shares. Each
 * surface writes it in its own error shape ({@link RefusalShape}) with a switch that has no
 * default, so a new kind of refusal does not compile until every surface can say it.
 */
public sealed interface Refusal {

    /** The HTTP status the refusal is sent with, the same on every surface. */
    default Status status() {
        return switch (this) {
            case Unauthorized _ -> Status.UNAUTHORIZED_401;
            case TooLarge _ -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case MalformedBody _ -> Status.BAD_REQUEST_400;
            case TimedOut _ -> Status.REQUEST_TIMEOUT_408;
            case BodyBudgetFull _, InFlightLimit _, Draining _ -> Status.SERVICE_UNAVAILABLE_503;
        };
    }

    /** Whether the connection is closed after the refusal: the body was left unread, or the service is draining. */
    default boolean closeConnection() {
        return switch (this) {
            case Unauthorized _, InFlightLimit _ -> false;
            case TooLarge tooLarge -> tooLarge.restUnread();
            case MalformedBody _, TimedOut _, BodyBudgetFull _, Draining _ -> true;
        };
    }

    /** The {@code Retry-After} header's value in seconds: every 503 refusal asks for a retry shortly. */
    default Optional<String> retryAfterSeconds() {
        return status() == Status.SERVICE_UNAVAILABLE_503 ? Optional.of("1") : Optional.empty();
    }

    /** HTTP 401: no inbound API key, or an unknown one (contract section 9). */
    record Unauthorized(String message) implements Refusal {
    }

    /**
     * HTTP 413: the body is over {@code LLM_MAX_REQUEST_BYTES}.
     *
     * @param restUnread whether the rest of the body is left unread, so the connection must close
     */
    record TooLarge(long limit, boolean restUnread) implements Refusal {
    }

    /** HTTP 400 with the connection closed: the body's chunked framing is malformed, so it cannot be read. */
    record MalformedBody() implements Refusal {
    }

    /** HTTP 408: the request did not arrive within {@code LLM_REQUEST_READ_TIMEOUT}. */
    record TimedOut(Duration timeout) implements Refusal {
        /** What every surface says: the timeout in whole seconds where it is whole. */
        public String message() {
            long millis = timeout.toMillis();
            String seconds = millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
            return "The request did not arrive within " + seconds + " s of its first line";
        }
    }

    /** HTTP 503 with the connection closed: the bodies being read already hold {@code LLM_BODY_BUFFER_BYTES}. */
    record BodyBudgetFull(long budget) implements Refusal {
        /** What every surface says. */
        public String message() {
            return "The service is reading as many request bodies as it may hold (" + budget
                    + " bytes); retry shortly";
        }
    }

    /** HTTP 503: {@code LLM_MAX_CONCURRENT_REQUESTS} are in flight. */
    record InFlightLimit(int maxInFlight) implements Refusal {
        /** What every surface says. */
        public String message() {
            return "The service is at its limit of " + maxInFlight + " requests in flight; retry shortly";
        }
    }

    /** HTTP 503 with the connection closed: the service is draining (SIGTERM); another replica will answer. */
    record Draining() implements Refusal {
        /** What every surface says, a stream's last event included. */
        public String message() {
            return "The service is shutting down; retry on another replica";
        }
    }
}
