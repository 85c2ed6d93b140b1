package io.llmclient.provider.support.skeleton;

import java.io.Serial;

/**
 * A 2xx answer from the upstream (a whole body or one stream event) that does not have the shape
 * its provider documents. Thrown by a provider's parts; {@link HttpProvider} turns it into the
 * provider's {@link ErrorMapper#malformed malformed-answer failure} with the answer's status. No
 * stack trace: it names what is wrong with the answer, not where the code was.
 */
public final class WireFormatException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong, for example {@code "stream event 3 is not valid JSON"} */
    public WireFormatException(String reason) {
        super(reason, null, false, false);
    }
}
