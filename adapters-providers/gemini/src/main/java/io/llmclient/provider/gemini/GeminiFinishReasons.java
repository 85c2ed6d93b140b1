package io.llmclient.provider.gemini;

import io.llmclient.domain.chat.FinishReason;

/** Gemini's {@code finishReason} values -> the contract's five. */
final class GeminiFinishReasons {
    private GeminiFinishReasons() {
    }

    static FinishReason map(String gemini) {
        return switch (gemini) {
            case "STOP" -> FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            // SPII (sensitive personal data) and IMAGE_SAFETY are safety filters too, although the issue's
            // list does not name them: a caller should see them as content_filter, not as an error.
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" ->
                    FinishReason.CONTENT_FILTER;
            // OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, FINISH_REASON_UNSPECIFIED and values added later.
            default -> FinishReason.ERROR;
        };
    }
}
