package io.llmclient.domain.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.testing.ChatRequests;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChatRequestParserTest {

    private static final A2aContext HEADERS = new A2aContext("header-trace", Optional.of("header-agent"),
            Optional.of("header-session"));

    // ---- helpers -------------------------------------------------------------------------

    /** Params from key/value pairs; a HashMap so that explicit nulls can be given. */
    private static Map<String, Object> params(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> message(String role, Object content) {
        return params("role", role, "content", content);
    }

    private static List<Object> hello() {
        return List.of(message("user", "Hello"));
    }

    /** Valid params plus the given overrides. */
    private static Map<String, Object> validWith(Object... overrides) {
        var map = params("model", "gpt-4.1-mini", "messages", hello());
        map.putAll(params(overrides));
        return map;
    }

    private static ChatRequest valid(Map<String, ?> params) {
        return switch (ChatRequestParser.parse(params, HEADERS)) {
            case Validated.Valid<ChatRequest> valid -> valid.value();
            case Validated.Invalid<ChatRequest> invalid -> fail("expected valid, got " + invalid.errors());
        };
    }

    private static List<FieldError> errors(Map<String, ?> params) {
        return switch (ChatRequestParser.parse(params, HEADERS)) {
            case Validated.Valid<ChatRequest> valid -> fail("expected invalid, got " + valid.value());
            case Validated.Invalid<ChatRequest> invalid -> invalid.errors();
        };
    }

    private static List<String> fields(Map<String, ?> params) {
        return errors(params).stream().map(FieldError::field).toList();
    }

    private static void assertOnlyField(String field, Map<String, ?> params) {
        assertEquals(List.of(field), fields(params));
    }

    // ---- valid requests ------------------------------------------------------------------

    @Nested
    class ValidRequests {

        @Test
        void aFullRequestBecomesTheExactChatRequest() {
            var params = params(
                    "model", "gpt-4.1-mini",
                    "messages", List.of(message("system", "Be brief."), message("user", "Hello"),
                            message("assistant", "Hi")),
                    "temperature", 0.7,
                    "max_tokens", 256,
                    "stream", true,
                    "trace_id", "t-123",
                    "source_agent", "planner",
                    "session_id", "s-9");

            var expected = ChatRequests.builder().model("gpt-4.1-mini")
                    .system("Be brief.").user("Hello").assistant("Hi")
                    .temperature(0.7).maxTokens(256).stream(true)
                    .context(new A2aContext("t-123", Optional.of("planner"), Optional.of("s-9"))).build();
            assertEquals(expected, valid(params));
        }

        @Test
        void aMinimalRequestHasNoModelNoSamplingAndTheHeaderContext() {
            var expected = ChatRequests.builder().user("Hello").context(HEADERS).build();
            assertEquals(expected, valid(params("messages", hello())));
        }

        @Test
        void aTierIsParsed() {
            assertEquals(Optional.of(ModelTier.PREMIUM), valid(params("messages", hello(), "tier", "premium")).tier());
        }

        @Test
        void aComplexityIsParsed() {
            assertEquals(Optional.of(Complexity.LOW),
                    valid(params("messages", hello(), "complexity", "low")).complexity());
        }

        @Test
        void explicitNullsOfOptionalFieldsCountAsAbsent() {
            var request = valid(validWith("temperature", null, "max_tokens", null, "stream", null, "tier", null,
                    "trace_id", null));
            assertEquals(OptionalDouble.empty(), request.temperature());
            assertEquals(OptionalInt.empty(), request.maxTokens());
            assertFalse(request.stream());
            assertEquals("header-trace", request.context().traceId());
        }

        @ParameterizedTest
        @ValueSource(doubles = {0.0, 1.0, 2.0})
        void temperatureBoundsZeroAndTwoAreAccepted(double temperature) {
            assertEquals(OptionalDouble.of(temperature), valid(validWith("temperature", temperature)).temperature());
        }

        @Test
        void anIntegerTemperatureIsAccepted() {
            assertEquals(OptionalDouble.of(1.0), valid(validWith("temperature", 1)).temperature());
        }

        @Test
        void aBigDecimalTemperatureInRangeIsAccepted() {
            assertEquals(OptionalDouble.of(1.5), valid(validWith("temperature", new BigDecimal("1.5"))).temperature());
        }

        @Test
        void maxTokensUpToIntegerMaxIsAccepted() {
            assertEquals(OptionalInt.of(Integer.MAX_VALUE),
                    valid(validWith("max_tokens", (long) Integer.MAX_VALUE)).maxTokens());
        }

        @Test
        void maxTokensAsBigIntegerOrShortIsAccepted() {
            assertEquals(OptionalInt.of(7), valid(validWith("max_tokens", BigInteger.valueOf(7))).maxTokens());
            assertEquals(OptionalInt.of(8), valid(validWith("max_tokens", (short) 8)).maxTokens());
        }

        @Test
        void complexityWithoutModelOrTierIsAccepted() {
            var request = valid(params("messages", hello(), "complexity", "high"));
            assertEquals(Optional.empty(), request.model());
            assertEquals(Optional.empty(), request.tier());
        }
    }

    // ---- A2A context -----------------------------------------------------------------------

    @Nested
    class A2aContextPrecedence {

        @Test
        void paramsWinOverHeaders() {
            var request = valid(validWith("trace_id", "p-trace", "source_agent", "p-agent", "session_id", "p-session"));
            assertEquals(new A2aContext("p-trace", Optional.of("p-agent"), Optional.of("p-session")),
                    request.context());
        }

        @Test
        void headersFillWhatParamsLeaveOut() {
            var request = valid(validWith("source_agent", "p-agent"));
            assertEquals(new A2aContext("header-trace", Optional.of("p-agent"), Optional.of("header-session")),
                    request.context());
        }

        @Test
        void withoutParamsOrHeadersOnlyTheGivenTraceIdRemains() {
            var result = ChatRequestParser.parse(validWith(), A2aContext.ofTrace("generated"));
            assertEquals(new Validated.Valid<>(ChatRequest.of("gpt-4.1-mini", List.of(new Message(Role.USER, "Hello")),
                    A2aContext.ofTrace("generated"))), result);
        }
    }

    @Nested
    class BestEffortContext {

        @Test
        void wellFormedIdsAreTakenFromInvalidParams() {
            var params = params("messages", "not a list", "trace_id", "t-1", "source_agent", "agent",
                    "session_id", "s-1");
            assertEquals(new A2aContext("t-1", Optional.of("agent"), Optional.of("s-1")),
                    ChatRequestParser.bestEffortContext(params, HEADERS));
        }

        @Test
        void malformedIdsFallBackToTheHeaders() {
            var params = params("trace_id", "has space", "source_agent", 42, "session_id", "x".repeat(257));
            assertEquals(HEADERS, ChatRequestParser.bestEffortContext(params, HEADERS));
        }

        @Test
        void paramsThatAreNotAnObjectGiveTheHeaderContext() {
            assertEquals(HEADERS, ChatRequestParser.bestEffortContext(List.of(1, 2), HEADERS));
            assertEquals(HEADERS, ChatRequestParser.bestEffortContext(null, HEADERS));
        }

        @Test
        void isWellFormedIdAcceptsVisibleAsciiUpTo256Characters() {
            assertTrue(ChatRequestParser.isWellFormedId("abc-123_XYZ:./"));
            assertTrue(ChatRequestParser.isWellFormedId("x".repeat(256)));
        }

        @Test
        void isWellFormedIdRefusesNullEmptySpacesControlCharactersNonAsciiAndLongIds() {
            assertFalse(ChatRequestParser.isWellFormedId(null));
            assertFalse(ChatRequestParser.isWellFormedId(""));
            assertFalse(ChatRequestParser.isWellFormedId("a b"));
            assertFalse(ChatRequestParser.isWellFormedId("a\r\nX-Evil: 1"));
            assertFalse(ChatRequestParser.isWellFormedId("caf\u00e9"));
            assertFalse(ChatRequestParser.isWellFormedId("x".repeat(257)));
        }
    }

    // ---- every broken field at once ------------------------------------------------------

    @Test
    void everyBrokenFieldIsReportedAtOnce() {
        var params = params(
                "model", 5,
                "messages", List.of(message("user", "ok"), message("robot", 3), "text"),
                "temperature", 3.5,
                "max_tokens", 0,
                "stream", "yes",
                "trace_id", "has space",
                "source_agent", "",
                "session_id", "s\u0007",
                "colour", "blue");

        assertEquals(List.of("colour", "model", "messages[1].role", "messages[1].content", "messages[2]",
                "temperature", "max_tokens", "stream", "trace_id", "source_agent", "session_id"), fields(params));
    }

    @Test
    void brokenTierAndComplexityAreBothReportedAlongsideMessageErrors() {
        var params = params("messages", List.of(), "tier", "huge", "complexity", "extreme");
        assertEquals(List.of("messages", "tier", "complexity", "complexity"), fields(params));
    }

    // ---- temperature -----------------------------------------------------------------------

    @Nested
    class Temperature {

        @ParameterizedTest
        @ValueSource(doubles = {-0.1, 2.0000001, 3, -100})
        void temperatureOutsideZeroToTwoIsRefused(double temperature) {
            assertEquals(List.of(new FieldError("temperature", "must be between 0 and 2")),
                    errors(validWith("temperature", temperature)));
        }

        @ParameterizedTest
        @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void nonFiniteTemperatureIsRefused(double temperature) {
            assertOnlyField("temperature", validWith("temperature", temperature));
        }

        @Test
        void aHugeBigDecimalTemperatureIsRefused() {
            assertOnlyField("temperature", validWith("temperature", new BigDecimal("1e400")));
        }

        @Test
        void aBigDecimalJustAboveTwoIsRefusedEvenWhereDoubleRoundsItToTwo() {
            assertOnlyField("temperature", validWith("temperature", new BigDecimal("2.00000000000000000000001")));
        }

        @Test
        void aHugeBigIntegerTemperatureIsRefused() {
            assertOnlyField("temperature", validWith("temperature", BigInteger.TEN.pow(400)));
        }

        @Test
        void aStringTemperatureIsRefusedAsNotANumber() {
            assertEquals(List.of(new FieldError("temperature", "must be a number between 0 and 2")),
                    errors(validWith("temperature", "0.5")));
        }

        @Test
        void aBooleanTemperatureIsRefused() {
            assertOnlyField("temperature", validWith("temperature", true));
        }
    }

    // ---- max_tokens ------------------------------------------------------------------------

    @Nested
    class MaxTokens {

        @ParameterizedTest
        @ValueSource(longs = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE})
        void maxTokensOutsideOneToIntegerMaxIsRefused(long maxTokens) {
            assertEquals(List.of(new FieldError("max_tokens", "must be between 1 and " + Integer.MAX_VALUE)),
                    errors(validWith("max_tokens", maxTokens)));
        }

        @Test
        void zeroAsAnIntIsRefused() {
            assertOnlyField("max_tokens", validWith("max_tokens", 0));
        }

        @Test
        void aHugeBigIntegerIsRefused() {
            assertOnlyField("max_tokens", validWith("max_tokens", BigInteger.TEN.pow(100)));
        }

        @Test
        void aFractionIsRefusedAsNotAnInteger() {
            assertEquals(List.of(new FieldError("max_tokens", "must be an integer greater than 0")),
                    errors(validWith("max_tokens", 1.5)));
        }

        @Test
        void aBigDecimalFractionIsRefused() {
            assertOnlyField("max_tokens", validWith("max_tokens", new BigDecimal("10.5")));
        }

        @Test
        void aStringIsRefused() {
            assertOnlyField("max_tokens", validWith("max_tokens", "256"));
        }
    }

    // ---- messages --------------------------------------------------------------------------

    @Nested
    class Messages {

        @Test
        void missingMessagesAreRefused() {
            assertEquals(List.of(new FieldError("messages", "is required")), errors(params("model", "m")));
        }

        @Test
        void messagesThatAreNotAListAreRefused() {
            assertEquals(List.of(new FieldError("messages", "must be an array of messages")),
                    errors(params("messages", Map.of("role", "user", "content", "x"))));
        }

        @Test
        void emptyMessagesAreRefused() {
            assertEquals(List.of(new FieldError("messages", "must not be empty")), errors(params("messages", List.of())));
        }

        @Test
        void moreMessagesThanTheLimitAreRefusedWithTheLimitAndTheCount() {
            var three = List.of(message("user", "a"), message("assistant", "b"), message("user", "c"));
            var result = ChatRequestParser.parse(params("messages", three), HEADERS, new RequestLimits(2));
            if (!(result instanceof Validated.Invalid<ChatRequest> invalid)) {
                throw new AssertionError("three messages passed a limit of two");
            }
            assertEquals(List.of(new FieldError("messages", "must hold at most 2 messages, got 3")), invalid.errors());
        }

        @Test
        void exactlyAsManyMessagesAsTheLimitAreAccepted() {
            var two = List.of(message("user", "a"), message("assistant", "b"));
            assertTrue(ChatRequestParser.parse(params("messages", two), HEADERS, new RequestLimits(2))
                    instanceof Validated.Valid<ChatRequest>);
        }

        @Test
        void theDefaultLimitIsAThousandMessages() {
            var many = java.util.Collections.nCopies(1001, (Object) message("user", "a"));
            assertEquals(List.of(new FieldError("messages", "must hold at most 1000 messages, got 1001")),
                    errors(params("messages", many)));
        }

        @Test
        void aMessageThatIsNotAnObjectIsRefusedByIndex() {
            assertOnlyField("messages[1]", params("messages", List.of(message("user", "a"), 42)));
        }

        @Test
        void aMissingRoleIsRefused() {
            assertEquals(List.of(new FieldError("messages[0].role", "is required")),
                    errors(params("messages", List.of(params("content", "x")))));
        }

        @Test
        void anUnknownRoleIsRefusedNamingTheAllowedRoles() {
            assertEquals(List.of(new FieldError("messages[1].role", "must be one of: system, user, assistant, tool")),
                    errors(params("messages", List.of(message("user", "a"), message("function", "b")))));
        }

        @Test
        void roleNamesAreCaseSensitive() {
            assertOnlyField("messages[0].role", params("messages", List.of(message("User", "a"))));
        }

        @Test
        void aRoleThatIsNotAStringIsRefused() {
            assertOnlyField("messages[0].role", params("messages", List.of(params("role", 1, "content", "a"))));
        }

        @Test
        void aMissingContentIsRefused() {
            assertEquals(List.of(new FieldError("messages[0].content", "is required")),
                    errors(params("messages", List.of(params("role", "user")))));
        }

        @Test
        void aNullContentIsRefusedAsNotAString() {
            assertEquals(List.of(new FieldError("messages[0].content", "must be a string")),
                    errors(params("messages", List.of(message("user", null)))));
        }

        @Test
        void aNullRoleIsRefusedAsNotAString() {
            assertEquals(List.of(new FieldError("messages[0].role", "must be a string, one of: system, user, assistant, tool")),
                    errors(params("messages", List.of(params("role", null, "content", "a")))));
        }

        @ParameterizedTest
        @MethodSource("io.llmclient.domain.validation.ChatRequestParserTest#nonStringContents")
        void contentThatIsNotAStringIsRefused(Object content) {
            assertEquals(List.of(new FieldError("messages[0].content", "must be a string")),
                    errors(params("messages", List.of(message("user", content)))));
        }

        @Test
        void anUnknownMessageFieldIsRefusedWithItsPath() {
            var withName = params("role", "user", "content", "a", "name", "bob");
            assertEquals(List.of(new FieldError("messages[0].name", "is not a known field")),
                    errors(params("messages", List.of(withName))));
        }

        @Test
        void anEmptyStringContentIsAccepted() {
            assertEquals(List.of(new Message(Role.USER, "")),
                    valid(params("messages", List.of(message("user", "")))).messages());
        }
    }

    static List<Object> nonStringContents() {
        return List.of(42, Map.of("text", "hi"), List.of("a", "b"), true);
    }

    // ---- selectors, unknown fields, stream, ids -------------------------------------------

    @Nested
    class OtherFields {

        @Test
        void anUnknownTopLevelFieldIsRefused() {
            assertEquals(List.of(new FieldError("top_p", "is not a known field")), errors(validWith("top_p", 0.9)));
        }

        @Test
        void unknownFieldsAreListedInSortedOrder() {
            assertEquals(List.of("a", "z"), fields(validWith("z", 1, "a", 2)));
        }

        @Test
        void anUnknownTierIsRefused() {
            assertEquals(List.of(new FieldError("tier", "must be one of: fast, balanced, premium")),
                    errors(params("messages", hello(), "tier", "cheap")));
        }

        @Test
        void anUnknownComplexityIsRefused() {
            assertEquals(List.of(new FieldError("complexity", "must be one of: low, medium, high")),
                    errors(params("messages", hello(), "complexity", "trivial")));
        }

        @Test
        void aTierThatIsNotAStringIsRefused() {
            assertOnlyField("tier", params("messages", hello(), "tier", 1));
        }

        @Test
        void modelAndTierTogetherAreRefused() {
            assertOnlyField("tier", validWith("tier", "fast"));
        }

        @Test
        void modelAndComplexityTogetherAreRefused() {
            var errors = errors(validWith("complexity", "low"));
            assertEquals(List.of(new FieldError("complexity",
                    "cannot be combined with model; give one of model, tier, complexity")), errors);
        }

        @Test
        void tierAndComplexityTogetherAreRefused() {
            var errors = errors(params("messages", hello(), "tier", "fast", "complexity", "low"));
            assertEquals(List.of(new FieldError("complexity",
                    "cannot be combined with tier; give one of model, tier, complexity")), errors);
        }

        @Test
        void aModelThatIsNotAStringIsRefused() {
            assertEquals(List.of(new FieldError("model", "must be a string")), errors(validWith("model", 4)));
        }

        @Test
        void aBlankModelIsRefused() {
            assertEquals(List.of(new FieldError("model", "must not be blank")), errors(validWith("model", "  ")));
        }

        @Test
        void aModelLongerThan256CharactersIsRefused() {
            assertOnlyField("model", validWith("model", "m".repeat(257)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"has space", "tab\there", "new\nline", "nul\u0000", "caf\u00e9"})
        void aTraceIdWithSpacesControlCharactersOrNonAsciiIsRefused(String traceId) {
            assertEquals(List.of(new FieldError("trace_id", "must be visible ASCII characters without spaces")),
                    errors(validWith("trace_id", traceId)));
        }

        @Test
        void aTraceIdLongerThan256CharactersIsRefused() {
            assertOnlyField("trace_id", validWith("trace_id", "t".repeat(257)));
        }

        @Test
        void aSessionIdThatIsNotAStringIsRefused() {
            assertOnlyField("session_id", validWith("session_id", 9));
        }

        @ParameterizedTest
        @MethodSource("io.llmclient.domain.validation.ChatRequestParserTest#nonBooleans")
        void streamThatIsNotABooleanIsRefused(Object stream) {
            assertEquals(List.of(new FieldError("stream", "must be a boolean")), errors(validWith("stream", stream)));
        }
    }

    static List<Object> nonBooleans() {
        return List.of("true", 1, List.of(true));
    }

    @Test
    void knownFieldsAreTheContractParams() {
        assertEquals(java.util.Set.of("model", "messages", "temperature", "max_tokens", "stream", "trace_id",
                "source_agent", "session_id", "tier", "complexity", "tools", "tool_choice", "response_format",
                "stop"), ChatRequestParser.KNOWN_FIELDS);
    }

    @Nested
    class StopSequences {
        @Test
        void aSingleStringIsOneStopSequence() {
            assertEquals(List.of("END"), valid(validWith("stop", "END")).stop());
        }

        @Test
        void anArrayKeepsItsOrder() {
            assertEquals(List.of("a", "b", "c", "d"), valid(validWith("stop", List.of("a", "b", "c", "d"))).stop());
        }

        @Test
        void noStopMeansNone() {
            assertEquals(List.of(), valid(validWith()).stop());
        }

        @Test
        void fiveSequencesAreRefusedNamingTheLimit() {
            assertEquals(List.of(new FieldError("stop", "must hold at most 4 stop sequences, got 5")),
                    errors(validWith("stop", List.of("a", "b", "c", "d", "e"))));
        }

        @Test
        void everyBrokenEntryIsNamed() {
            assertEquals(List.of(new FieldError("stop[0]", "must not be empty"),
                            new FieldError("stop[2]", "must be a string")),
                    errors(validWith("stop", java.util.Arrays.asList("", "ok", 7))));
        }

        @Test
        void aNumberIsRefused() {
            assertEquals(List.of(new FieldError("stop", "must be a string or an array of strings")),
                    errors(validWith("stop", 3)));
        }
    }

    @Test
    void paramsWithANullValueMapAreAccepted() {
        var map = new HashMap<String, Object>(validWith());
        map.put("source_agent", null);
        assertEquals(Optional.of("header-agent"), valid(map).context().sourceAgent());
    }
}
