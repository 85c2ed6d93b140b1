package io.llmclient.domain.governance;

import java.util.Objects;

/** Whether a request's credentials name a principal that may call now. */
public sealed interface Authentication {

    /** The credentials are a usable key (or auth is off): the request runs as this principal. */
    record Accepted(Caller caller) implements Authentication {
        public Accepted {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /**
     * Refused with HTTP 401. {@code reason} is safe to return: it never quotes the key presented,
     * nor says whether a digest is known.
     */
    record Rejected(String reason) implements Authentication {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
