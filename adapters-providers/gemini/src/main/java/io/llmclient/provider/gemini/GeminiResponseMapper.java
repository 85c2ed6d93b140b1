package io.llmclient.provider.gemini;

import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.ErrorMapper;
import io.llmclient.provider.support.skeleton.ResponseMapper;
import io.llmclient.provider.support.skeleton.StreamAssembler;

/**
 * A whole {@code generateContent} answer: the same {@code GenerateContentResponse} a stream event
 * is, read by the same {@link GeminiStreamDecoder} as a stream of one chunk.
 */
final class GeminiResponseMapper implements ResponseMapper {
    private final ErrorMapper errors;

    /** @param errors maps an {@code error} envelope that came with HTTP 200 */
    GeminiResponseMapper(ErrorMapper errors) {
        this.errors = errors;
    }

    @Override
    public Completion completion(HttpReply reply) {
        var decoder = new GeminiStreamDecoder();
        var assembled = new StreamAssembler(decoder, errors);
        decoder.read(GeminiStreamDecoder.parse(reply.body()), assembled);
        return assembled.result();
    }
}
