package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResponseLimitTest {

    /** An endless upstream answer: as many bytes as anyone reads. */
    private static InputStream endless() {
        return new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, (byte) 'x');
                return length;
            }
        };
    }

    @Test
    void aBodyUpToTheLimitIsReadWhole() throws IOException {
        byte[] body = "0123456789".getBytes();
        assertArrayEquals(body, ResponseLimit.readAll(new ByteArrayInputStream(body), 10, 200));
    }

    @Test
    void anEndlessBodyStopsOneBytePastTheLimit() {
        var exceeded = assertThrows(ResponseLimit.Exceeded.class, () -> ResponseLimit.readAll(endless(), 1024, 200));
        assertEquals(1024, exceeded.limit());
        assertEquals(200, exceeded.status());
    }

    @Test
    void aCappedStreamFailsAtTheFirstBytePastTheLimit() throws IOException {
        InputStream capped = ResponseLimit.cap(endless(), 100, 200);
        assertEquals(100, capped.readNBytes(100).length);
        assertThrows(ResponseLimit.Exceeded.class, capped::read);
    }

    @Test
    void aCappedStreamCountsBytesReadInBulk() {
        InputStream capped = ResponseLimit.cap(endless(), 100, 200);
        assertThrows(ResponseLimit.Exceeded.class, () -> capped.readNBytes(4096));
    }

    @Test
    void aTooLargeAnswerIsAPermanentProviderErrorWithItsStatusAndTheLimit() {
        var cause = new UncheckedIOException(new ResponseLimit.Exceeded(2048, 200));
        RuntimeException classified = TransportFailure.classify(ProviderId.GEMINI, cause, Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        var failed = assertInstanceOf(ProviderFailed.class, assertInstanceOf(LlmFailureException.class, classified)
                .failure());
        assertEquals(ProviderId.GEMINI, failed.provider());
        assertEquals(200, failed.status().orElseThrow());
        assertFalse(failed.transientFailure(), "the same request gets the same flood");
        assertEquals("upstream answer larger than 2048 bytes (LLM_MAX_RESPONSE_BYTES): cut off", failed.providerMessage());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedWithoutReading() {
        var exceeded = assertThrows(ResponseLimit.Exceeded.class, () -> ResponseLimit.readAll(endless(), 1024, 200,
                OptionalLong.of(1025), ResponseBudget.unlimited().open()));
        assertEquals(1024, exceeded.limit());
    }

    @Test
    void aDeclaredBodyTakesItsLengthFromTheReservationAtOnce() throws IOException {
        var budget = new ResponseBudget(100);
        try (var held = budget.open()) {
            byte[] body = ResponseLimit.readAll(new ByteArrayInputStream("0123456789".getBytes()), 1024, 200,
                    OptionalLong.of(10), held);
            assertEquals(10, body.length);
            assertEquals(10, held.held());
        }
    }

    @Test
    void aBodyOfUnknownLengthIsRefusedOnceItsBytesNoLongerFit() {
        var budget = new ResponseBudget(4096);
        try (var held = budget.open()) {
            var over = assertThrows(ResponseLimit.OverBudget.class,
                    () -> ResponseLimit.readAll(endless(), 1024 * 1024, 200, OptionalLong.empty(), held));
            assertEquals(4096, over.budget());
            assertTrue(held.held() <= 4096);
        }
    }

    @Test
    void anAnswerOverTheSharedBudgetIsOverloadedNamingTheBudget() {
        var cause = new UncheckedIOException(new ResponseLimit.OverBudget(8192));
        RuntimeException classified = TransportFailure.classify(ProviderId.OPENAI, cause, Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        assertEquals(new Overloaded(ProviderId.OPENAI, new Overloaded.ResponseBuffer(8192)),
                assertInstanceOf(LlmFailureException.class, classified).failure());
    }
}
