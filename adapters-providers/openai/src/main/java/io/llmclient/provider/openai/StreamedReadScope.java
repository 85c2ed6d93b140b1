package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * When a streaming read ({@link OpenAiChunkReader}, {@link OpenAiCompletionReader}) may stand in for
 * the tree that {@code mapper} would build: not when the mapper refuses trailing tokens (a walk stops
 * at the end of the first value), nor for data long enough to hold a string over the parser's limit
 * (a skipped string is not measured against it). Otherwise the tree reads the data, and decides.
 */
record StreamedReadScope(boolean trailingAllowed, int maxStringLength) {

    static StreamedReadScope of(ObjectMapper mapper) {
        return new StreamedReadScope(!mapper.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS),
                mapper.getFactory().streamReadConstraints().getMaxStringLength());
    }

    /** Whether data of {@code length} chars or bytes may be read without the tree. */
    boolean covers(int length) {
        return trailingAllowed && length <= maxStringLength;
    }
}
