package io.llmclient.inbound.support.refusal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SurfaceRefusalsTest {
    private static final RefusalShape NAMED = (refusal, traceId) -> JsonNodeFactory.instance.textNode("named " + traceId);
    private static final RefusalShape OTHER = (refusal, traceId) -> JsonNodeFactory.instance.textNode("other " + traceId);
    private final SurfaceRefusals refusals = new SurfaceRefusals(Map.of("/named", NAMED), OTHER);

    @Test
    void aPathASurfaceOwnsGetsThatSurfacesShape() {
        assertEquals("\"named t-1\"", body("/named"));
    }

    @Test
    void everyOtherPathGetsTheFallbackShapeBelowTheOwnedPathToo() {
        assertEquals("\"other t-1\"", body("/unknown"));
        assertEquals("\"other t-1\"", body("/named/more"));
    }

    @Test
    void everyRefusalOf503AsksForARetryInOneSecondAndTheOthersDoNot() {
        assertEquals(Optional.of("1"), new Refusal.InFlightLimit(4).retryAfterSeconds());
        assertEquals(Optional.of("1"), new Refusal.BodyBudgetFull(8).retryAfterSeconds());
        assertEquals(Optional.of("1"), new Refusal.Draining().retryAfterSeconds());
        assertEquals(Optional.empty(), new Refusal.TimedOut(Duration.ofSeconds(5)).retryAfterSeconds());
        assertEquals(Status.SERVICE_UNAVAILABLE_503, new Refusal.Draining().status());
    }

    @Test
    void aTooLargeBodyClosesTheConnectionOnlyWhenItsRestIsLeftUnread() {
        assertTrue(new Refusal.TooLarge(10, true).closeConnection());
        assertFalse(new Refusal.TooLarge(10, false).closeConnection());
    }

    @Test
    void aTimeoutIsNamedInWholeSecondsWhereItIsWhole() {
        assertEquals("The request did not arrive within 5 s of its first line",
                new Refusal.TimedOut(Duration.ofSeconds(5)).message());
        assertEquals("The request did not arrive within 1.5 s of its first line",
                new Refusal.TimedOut(Duration.ofMillis(1500)).message());
    }

    private String body(String path) {
        return new String(refusals.body(path, "t-1", new Refusal.Draining()), StandardCharsets.UTF_8);
    }
}
