package io.llmclient.domain.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tool-calling params of a chat request: tools, tool_choice, response_format, tool messages. */
class ToolParamsTest {
    private static final A2aContext HEADERS = A2aContext.ofTrace("t");

    private static Map<String, Object> map(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> weatherSchema() {
        return map("type", "object", "properties", map("city", map("type", "string")), "required", List.of("city"));
    }

    private static Map<String, Object> tool(String name) {
        return map("type", "function", "function", map("name", name, "description", "Weather of a city",
                "parameters", weatherSchema()));
    }

    private static Map<String, Object> user(String text) {
        return map("role", "user", "content", text);
    }

    private static Map<String, Object> call(String id, String name, String arguments) {
        return map("id", id, "type", "function", "function", map("name", name, "arguments", arguments));
    }

    private static Map<String, Object> calling(Object... calls) {
        return map("role", "assistant", "content", null, "tool_calls", List.of(calls));
    }

    private static Map<String, Object> result(String id, String content) {
        return map("role", "tool", "tool_call_id", id, "content", content);
    }

    private static Map<String, Object> request(Object... extra) {
        var params = map("model", "m", "messages", List.of(user("Weather in Paris?")));
        params.putAll(map(extra));
        return params;
    }

    private static Map<String, Object> conversation(Object... messages) {
        return map("model", "m", "messages", Arrays.asList(messages), "tools", List.of(tool("get_weather")));
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

    @Nested
    class Tools {
        @Test
        void aFunctionToolBecomesItsDefinitionWithTheSchemaAsPlainValues() {
            ChatRequest request = valid(request("tools", List.of(tool("get_weather"))));

            assertEquals(List.of(new ToolDefinition("get_weather", Optional.of("Weather of a city"), weatherSchema(),
                    false)), request.tools());
            assertEquals(ToolChoice.AUTO, request.effectiveToolChoice());
            assertEquals(Optional.empty(), request.toolChoice());
        }

        @Test
        void aFunctionWithoutParametersTakesAnEmptyObject() {
            var tool = map("type", "function", "function", map("name", "now", "strict", true));

            ToolDefinition definition = valid(request("tools", List.of(tool))).tools().getFirst();

            assertEquals(ToolDefinition.NO_PARAMETERS, definition.parameters());
            assertEquals(Optional.empty(), definition.description());
            assertTrue(definition.strict());
        }

        @Test
        void noToolsMeansToolChoiceNone() {
            assertEquals(ToolChoice.NONE, valid(request("tools", List.of())).effectiveToolChoice());
        }

        @Test
        void everyBrokenPartOfAToolIsNamed() {
            var broken = map("type", "procedure", "function", map("name", "get weather", "description", 7,
                    "parameters", map("type", "array"), "strict", "yes", "returns", "x"), "extra", 1);

            assertEquals(List.of(
                    new FieldError("tools[0].extra", "is not a known field"),
                    new FieldError("tools[0].type", "must be \"function\""),
                    new FieldError("tools[0].function.returns", "is not a known field"),
                    new FieldError("tools[0].function.name", "must be 1 to 64 letters, digits, '_' or '-'"),
                    new FieldError("tools[0].function.description", "must be a string"),
                    new FieldError("tools[0].function.parameters.type", "must be \"object\": arguments are an object"),
                    new FieldError("tools[0].function.strict", "must be a boolean")),
                    errors(request("tools", List.of(broken))));
        }

        @Test
        void aToolWithoutTypeOrFunctionIsNamed() {
            assertEquals(List.of("tools[0].type", "tools[0].function", "tools[1]", "tools[2].function"),
                    fields(request("tools", List.of(map(), "get_weather", map("type", "function", "function", 1)))));
        }

        @Test
        void parametersMustBeAnObject() {
            var tool = map("type", "function", "function", map("name", "f", "parameters", List.of()));
            assertEquals(List.of(new FieldError("tools[0].function.parameters", "must be a JSON Schema object")),
                    errors(request("tools", List.of(tool))));
        }

        @Test
        void aFunctionNeedsAName() {
            var tool = map("type", "function", "function", map("description", "nameless"));
            assertEquals(List.of(new FieldError("tools[0].function.name", "is required")),
                    errors(request("tools", List.of(tool))));
        }

        @Test
        void aSecondToolOfTheSameNameIsRefused() {
            assertEquals(List.of(new FieldError("tools[1].function.name",
                    "duplicates tools[0].function.name 'get_weather'")),
                    errors(request("tools", List.of(tool("get_weather"), tool("get_weather")))));
        }

        @Test
        void toolsMustBeAnArray() {
            assertEquals(List.of(new FieldError("tools", "must be an array of tools")),
                    errors(request("tools", tool("get_weather"))));
        }

        @Test
        void moreThan128ToolsAreRefused() {
            var tools = new ArrayList<Object>();
            for (int i = 0; i <= ToolParams.MAX_TOOLS; i++) {
                tools.add(tool("t" + i));
            }
            assertEquals(List.of(new FieldError("tools", "must hold at most 128 tools")),
                    errors(request("tools", tools)));
        }
    }

    @Nested
    class ToolChoices {
        @ParameterizedTest
        @ValueSource(strings = {"auto", "none", "required"})
        void theThreeModesAreRead(String mode) {
            ToolChoice expected = switch (mode) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                default -> ToolChoice.REQUIRED;
            };
            assertEquals(Optional.of(expected),
                    valid(request("tools", List.of(tool("get_weather")), "tool_choice", mode)).toolChoice());
        }

        @Test
        void aNamedFunctionIsRead() {
            var choice = map("type", "function", "function", map("name", "get_weather"));
            assertEquals(Optional.of(new ToolChoice.Named("get_weather")),
                    valid(request("tools", List.of(tool("get_weather")), "tool_choice", choice)).toolChoice());
        }

        @Test
        void aNamedFunctionMustBeDeclared() {
            var choice = map("type", "function", "function", map("name", "get_time"));
            assertEquals(List.of(new FieldError("tool_choice",
                    "names function 'get_time', which is not declared in tools")),
                    errors(request("tools", List.of(tool("get_weather")), "tool_choice", choice)));
        }

        @Test
        void requiredNeedsTools() {
            assertEquals(List.of(new FieldError("tool_choice", "\"required\" needs tools to call; none are declared")),
                    errors(request("tool_choice", "required")));
        }

        @Test
        void autoAndNoneNeedNoTools() {
            assertEquals(Optional.of(ToolChoice.NONE), valid(request("tool_choice", "none")).toolChoice());
            assertEquals(Optional.of(ToolChoice.AUTO), valid(request("tool_choice", "auto")).toolChoice());
        }

        @Test
        void aChoiceIsNotJudgedAgainstBrokenTools() {
            var choice = map("type", "function", "function", map("name", "get_weather"));
            assertEquals(List.of("tools[0].function.name"),
                    fields(request("tools", List.of(tool("get weather")), "tool_choice", choice)));
        }

        @Test
        void anythingElseIsRefusedWithTheAllowedShapes() {
            String rule = "must be \"auto\", \"none\", \"required\" or "
                    + "{\"type\":\"function\",\"function\":{\"name\":\"...\"}}";
            for (Object choice : List.of("any", 3, map("type", "function"), map("type", "tool", "function",
                    map("name", "get_weather")), map("type", "function", "function", map("name", "get_weather",
                    "x", 1)))) {
                assertEquals(List.of(new FieldError("tool_choice", rule)),
                        errors(request("tools", List.of(tool("get_weather")), "tool_choice", choice)), choice::toString);
            }
        }
    }

    @Nested
    class ResponseFormats {
        @Test
        void textAndJsonObjectAreRead() {
            assertEquals(Optional.of(ResponseFormat.TEXT),
                    valid(request("response_format", map("type", "text"))).responseFormat());
            assertEquals(ResponseFormat.JSON_OBJECT,
                    valid(request("response_format", map("type", "json_object"))).effectiveResponseFormat());
            assertEquals(ResponseFormat.TEXT, valid(request()).effectiveResponseFormat());
        }

        @Test
        void aJsonSchemaIsReadWithItsNameSchemaAndStrictness() {
            var format = map("type", "json_schema", "json_schema", map("name", "weather", "description", "d",
                    "schema", weatherSchema(), "strict", true));

            assertEquals(Optional.of(new ResponseFormat.JsonSchema("weather", Optional.of("d"), weatherSchema(), true)),
                    valid(request("response_format", format)).responseFormat());
        }

        @Test
        void aJsonSchemaNeedsANameAndASchema() {
            var format = map("type", "json_schema", "json_schema", map("strict", 1));
            assertEquals(List.of(new FieldError("response_format.json_schema.name", "is required"),
                    new FieldError("response_format.json_schema.schema", "is required"),
                    new FieldError("response_format.json_schema.strict", "must be a boolean")),
                    errors(request("response_format", format)));
        }

        @Test
        void brokenFormatsAreNamed() {
            assertEquals(List.of("response_format"), fields(request("response_format", "json")));
            assertEquals(List.of("response_format.type"), fields(request("response_format", map())));
            assertEquals(List.of("response_format.type"), fields(request("response_format", map("type", "xml"))));
            assertEquals(List.of("response_format.json_schema"),
                    fields(request("response_format", map("type", "json_schema"))));
            assertEquals(List.of("response_format.json_schema"),
                    fields(request("response_format", map("type", "json_schema", "json_schema", "s"))));
            assertEquals(List.of("response_format.json_schema.schema"), fields(request("response_format",
                    map("type", "json_schema", "json_schema", map("name", "w", "schema", List.of())))));
            assertEquals(List.of("response_format.extra", "response_format.json_schema"), fields(request(
                    "response_format", map("type", "json_object", "extra", 1, "json_schema", map()))));
        }
    }

    @Nested
    class ToolMessages {
        @Test
        void aRoundTripBecomesAssistantCallsAndToolResults() {
            ChatRequest request = valid(conversation(user("Weather in Paris and Rome?"),
                    calling(call("c1", "get_weather", "{\"city\":\"Paris\"}"),
                            call("c2", "get_weather", "{\"city\":\"Rome\"}")),
                    result("c2", "18C"), result("c1", "21C")));

            assertEquals(List.of(new Message(Role.USER, "Weather in Paris and Rome?"),
                    Message.assistantCalling("", List.of(new ToolCall("c1", "get_weather", "{\"city\":\"Paris\"}"),
                            new ToolCall("c2", "get_weather", "{\"city\":\"Rome\"}"))),
                    Message.toolResult("c2", "18C"), Message.toolResult("c1", "21C")), request.messages());
        }

        @Test
        void anAssistantMayCallToolsWithTextOrWithoutContent() {
            var withText = map("role", "assistant", "content", "Let me look.", "tool_calls",
                    List.of(call("c1", "get_weather", "{}")));
            var withoutContent = map("role", "assistant", "tool_calls", List.of(call("c1", "get_weather", "{}")));

            assertEquals("Let me look.", valid(conversation(user("q"), withText, result("c1", "r")))
                    .messages().get(1).content());
            assertEquals("", valid(conversation(user("q"), withoutContent, result("c1", "r")))
                    .messages().get(1).content());
        }

        @Test
        void everyBrokenPartOfAToolCallIsNamed() {
            var broken = map("id", "", "type", "func", "function", map("name", "get weather", "arguments",
                    map("city", "Paris"), "x", 1), "index", 0);

            assertEquals(List.of(
                    new FieldError("messages[1].tool_calls[0].index", "is not a known field"),
                    new FieldError("messages[1].tool_calls[0].id", "must be a non-blank string"),
                    new FieldError("messages[1].tool_calls[0].type", "must be \"function\""),
                    new FieldError("messages[1].tool_calls[0].function.x", "is not a known field"),
                    new FieldError("messages[1].tool_calls[0].function.name",
                            "must be 1 to 64 letters, digits, '_' or '-'"),
                    new FieldError("messages[1].tool_calls[0].function.arguments",
                            "must be a string holding the arguments as JSON")),
                    errors(conversation(user("q"), calling(broken))));
        }

        @Test
        void missingPartsOfAToolCallAreRequired() {
            assertEquals(List.of("messages[1].tool_calls[0].id", "messages[1].tool_calls[0].type",
                    "messages[1].tool_calls[0].function", "messages[1].tool_calls[1]",
                    "messages[1].tool_calls[2].function.arguments", "messages[1].tool_calls[3].function"),
                    fields(conversation(user("q"), calling(map(), "call", map("id", "c", "type", "function",
                            "function", map("name", "f")), map("id", "d", "type", "function", "function", "f")))));
        }

        @Test
        void aThoughtSignatureInExtraContentIsKeptOnItsCall() {
            var signed = call("c1", "get_weather", "{}");
            signed.put("extra_content", map("google", map("thought_signature", "CuACAY89a1+test/sig==")));

            ChatRequest request = valid(conversation(user("q"), calling(signed, call("c2", "get_weather", "{}")),
                    result("c1", "r"), result("c2", "r")));

            assertEquals(List.of(new ToolCall("c1", "get_weather", "{}", Optional.of("CuACAY89a1+test/sig==")),
                    new ToolCall("c2", "get_weather", "{}")), request.messages().get(1).toolCalls());
        }

        @Test
        void aNullExtraContentMeansNoSignature() {
            var call = call("c1", "get_weather", "{}");
            call.put("extra_content", null);

            assertEquals(Optional.empty(), valid(conversation(user("q"), calling(call), result("c1", "r")))
                    .messages().get(1).toolCalls().getFirst().thoughtSignature());
        }

        @Test
        void extraContentMustBeAnObject() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content",
                    "must be an object {\"google\":{\"thought_signature\":\"...\"}}")),
                    errors(signed("a signature")));
        }

        @Test
        void extraContentHoldsOnlyGoogle() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.openai", "is not a known field")),
                    errors(signed(map("google", map("thought_signature", "sig"), "openai", map()))));
        }

        @Test
        void extraContentNeedsGoogleAsAnObject() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google", "is required")),
                    errors(signed(map())));
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google", "must be an object")),
                    errors(signed(map("google", "sig"))));
        }

        @Test
        void googleHoldsOnlyTheThoughtSignature() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google.x", "is not a known field")),
                    errors(signed(map("google", map("thought_signature", "sig", "x", 1)))));
        }

        @Test
        void theThoughtSignatureIsRequiredInsideGoogle() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google.thought_signature",
                    "is required")), errors(signed(map("google", map()))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   "})
        void aBlankThoughtSignatureIsRefused(String blank) {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google.thought_signature",
                    "must be a non-blank string")), errors(signed(map("google", map("thought_signature", blank)))));
        }

        @Test
        void aThoughtSignatureThatIsNotAStringIsRefused() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google.thought_signature",
                    "must be a non-blank string")), errors(signed(map("google", map("thought_signature", 42L)))));
        }

        @Test
        void aThoughtSignatureOfTheMaximumLengthIsAccepted() {
            String longest = "s".repeat(ToolCall.MAX_THOUGHT_SIGNATURE_LENGTH);

            ChatRequest request = valid(signed(map("google", map("thought_signature", longest))));

            assertEquals(Optional.of(longest), request.messages().get(1).toolCalls().getFirst().thoughtSignature());
        }

        @Test
        void aThoughtSignatureTooLongIsRefused() {
            String tooLong = "s".repeat(ToolCall.MAX_THOUGHT_SIGNATURE_LENGTH + 1);
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].extra_content.google.thought_signature",
                    "must be at most 65536 characters")), errors(signed(map("google", map("thought_signature", tooLong)))));
        }

        /** A one-call round trip whose call carries {@code extra_content}. */
        private static Map<String, Object> signed(Object extraContent) {
            var call = call("c1", "get_weather", "{}");
            call.put("extra_content", extraContent);
            return conversation(user("q"), calling(call), result("c1", "r"));
        }

        @Test
        void toolCallsMustBeANonEmptyArray() {
            var empty = map("role", "assistant", "content", "", "tool_calls", List.of());
            assertEquals(List.of(new FieldError("messages[1].tool_calls", "must be a non-empty array of tool calls")),
                    errors(conversation(user("q"), empty)));
        }

        @Test
        void aToolCallIdTooLongIsRefused() {
            String id = "c".repeat(ToolParams.MAX_TOOL_CALL_ID_LENGTH + 1);
            assertEquals(List.of(new FieldError("messages[1].tool_calls[0].id", "must be at most 256 characters")),
                    errors(conversation(user("q"), calling(call(id, "f", "{}")))));
        }

        @Test
        void twoCallsWithOneIdAreRefused() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[1].id", "duplicates messages[1].tool_calls[0].id")),
                    errors(conversation(user("q"), calling(call("c1", "f", "{}"), call("c1", "f", "{}")),
                            result("c1", "r"))));
        }

        @Test
        void toolCallsAreOnlyForAssistantsAndToolCallIdsOnlyForTools() {
            var userCalling = map("role", "user", "content", "q", "tool_calls", List.of(call("c1", "f", "{}")));
            var userAnswering = map("role", "user", "content", "q", "tool_call_id", "c1");
            assertEquals(List.of(new FieldError("messages[0].tool_calls", "is only allowed on assistant messages"),
                    new FieldError("messages[1].tool_call_id", "is only allowed on tool messages")),
                    errors(conversation(userCalling, userAnswering)));
        }

        @Test
        void aToolMessageNeedsAToolCallIdAndContent() {
            assertEquals(List.of(new FieldError("messages[2].tool_call_id", "is required"),
                    new FieldError("messages[2].content", "is required")),
                    errors(conversation(user("q"), calling(call("c1", "f", "{}")), map("role", "tool"))));
        }

        @Test
        void anAssistantWithoutToolCallsStillNeedsContent() {
            assertEquals(List.of(new FieldError("messages[1].content", "is required")),
                    errors(conversation(user("q"), map("role", "assistant"))));
        }
    }

    @Nested
    class ToolConversations {
        @Test
        void aToolMessageWithoutACallBeforeItIsRefused() {
            assertEquals(List.of(new FieldError("messages[1].tool_call_id",
                    "must answer a tool call of the assistant message before it;"
                            + " only tool messages may stand between them")),
                    errors(conversation(user("q"), result("c1", "r"))));
        }

        @Test
        void aToolMessageAfterAnotherTurnIsRefused() {
            assertEquals(List.of("messages[1].tool_calls[0].id", "messages[3].tool_call_id"),
                    fields(conversation(user("q"), calling(call("c1", "f", "{}")), user("again"), result("c1", "r"))));
        }

        @Test
        void aToolMessageForAnUnknownIdIsRefused() {
            assertEquals(List.of(new FieldError("messages[2].tool_call_id",
                    "'c9' is not the id of a tool call in messages[1].tool_calls"),
                    new FieldError("messages[1].tool_calls[0].id", "'c1' has no tool message answering it")),
                    errors(conversation(user("q"), calling(call("c1", "f", "{}")), result("c9", "r"))));
        }

        @Test
        void aCallAnsweredTwiceIsRefused() {
            assertEquals(List.of(new FieldError("messages[3].tool_call_id", "answers tool call 'c1' a second time")),
                    errors(conversation(user("q"), calling(call("c1", "f", "{}")), result("c1", "r"),
                            result("c1", "r"))));
        }

        @Test
        void everyCallNeedsItsAnswerBeforeTheNextTurn() {
            assertEquals(List.of(new FieldError("messages[1].tool_calls[1].id", "'c2' has no tool message answering it")),
                    errors(conversation(user("q"), calling(call("c1", "f", "{}"), call("c2", "f", "{}")),
                            result("c1", "r"), user("next"))));
        }

        @Test
        void aConversationMayNotEndOnUnansweredCalls() {
            assertEquals(List.of("messages[1].tool_calls[0].id"),
                    fields(conversation(user("q"), calling(call("c1", "f", "{}")))));
        }

        @Test
        void toolMessagesAfterAnInvalidMessageAreNotJudged() {
            assertEquals(List.of("messages[1].tool_calls[0].type"),
                    fields(conversation(user("q"), calling(map("id", "c1", "type", "x", "function",
                            map("name", "f", "arguments", "{}"))), result("c1", "r"))));
        }

        @Test
        void severalRoundsOfCallsAreAccepted() {
            ChatRequest request = valid(conversation(user("q"), calling(call("c1", "f", "{}")), result("c1", "r"),
                    map("role", "assistant", "content", "and now?"), user("more"),
                    calling(call("c2", "f", "{}")), result("c2", "r2")));
            assertEquals(7, request.messages().size());
        }
    }
}
