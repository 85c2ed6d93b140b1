package io.llmclient.inbound.support.body;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Reading a request body within its limit and the bodies' shared budget, declared or chunked. */
class BoundedBodyTest {
    private static final byte[] BODY = "{\"model\":\"sim-fast\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

    private final BodyBudget budget = new BodyBudget(100_000);
    private final AtomicBoolean opened = new AtomicBoolean();

    private BoundedBody.StreamSource source(byte[] bytes) {
        return () -> {
            opened.set(true);
            return new ByteArrayInputStream(bytes);
        };
    }

    private BoundedBody.Outcome read(OptionalLong declared, byte[] bytes, long limit) throws IOException {
        return BoundedBody.read(declared, source(bytes), limit, budget.share());
    }

    @Test
    void aDeclaredBodyIsReadWholeAndItsLengthHeldFromTheBudget() throws IOException {
        var read = assertInstanceOf(BoundedBody.Outcome.Read.class, read(OptionalLong.of(BODY.length), BODY, 100));
        assertArrayEquals(BODY, read.bytes());
        assertEquals(BODY.length, budget.used());
    }

    @Test
    void aBodyEndingBeforeItsDeclaredLengthIsWhatCame() throws IOException {
        var read = assertInstanceOf(BoundedBody.Outcome.Read.class, read(OptionalLong.of(BODY.length + 10), BODY, 100));
        assertArrayEquals(BODY, read.bytes());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedUnread() throws IOException {
        var tooLarge = assertInstanceOf(BoundedBody.Outcome.TooLarge.class, read(OptionalLong.of(101), BODY, 100));
        assertTrue(tooLarge.rest().isEmpty());
        assertEquals(false, opened.get());
    }

    @Test
    void aDeclaredLengthBeyondTheBudgetIsRefusedUnread() throws IOException {
        var held = budget.share();
        assertTrue(held.grow(100_000 - 10));
        assertInstanceOf(BoundedBody.Outcome.OverBudget.class, read(OptionalLong.of(BODY.length), BODY, 100));
        assertEquals(false, opened.get());
    }

    @Test
    void aChunkedBodyIsReadToItsEndWithinTheLimit() throws IOException {
        var read = assertInstanceOf(BoundedBody.Outcome.Read.class, read(OptionalLong.empty(), BODY, BODY.length));
        assertArrayEquals(BODY, read.bytes());
        assertEquals(BODY.length, budget.used());
    }

    @Test
    void aChunkedBodyPastTheLimitStopsOneByteAfterItAndHandsBackTheRest() throws IOException {
        byte[] large = new byte[50_000];
        var tooLarge = assertInstanceOf(BoundedBody.Outcome.TooLarge.class, read(OptionalLong.empty(), large, 20_000));
        InputStream rest = tooLarge.rest().orElseThrow();
        assertEquals(50_000 - 20_001, rest.readAllBytes().length);
    }

    @Test
    void anEmptyDeclaredBodyIsNotOpened() throws IOException {
        var read = assertInstanceOf(BoundedBody.Outcome.Read.class, read(OptionalLong.of(0), BODY, 100));
        assertEquals(0, read.bytes().length);
        assertEquals(false, opened.get());
    }
}
