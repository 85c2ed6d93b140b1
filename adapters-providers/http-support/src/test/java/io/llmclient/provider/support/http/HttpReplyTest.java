package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpReplyTest {

    @Test
    void headersAreFoundWhateverTheCaseOfEitherName() {
        var reply = new HttpReply(429, Map.of("Retry-After", "7"), new byte[0]);
        assertEquals(Optional.of("7"), reply.header("retry-after"));
        assertEquals(Optional.of("7"), reply.header("RETRY-AFTER"));
        assertEquals(Optional.empty(), reply.header("retry-after-ms"));
    }

    @Test
    void onlyTwoHundredsAreSuccessful() {
        assertTrue(new HttpReply(200, Map.of(), new byte[0]).successful());
        assertTrue(new HttpReply(299, Map.of(), new byte[0]).successful());
        assertFalse(new HttpReply(199, Map.of(), new byte[0]).successful());
        assertFalse(new HttpReply(300, Map.of(), new byte[0]).successful());
    }

    @Test
    void aReplyNeedsABody() {
        assertThrows(NullPointerException.class, () -> new HttpReply(200, Map.of(), null));
    }
}
