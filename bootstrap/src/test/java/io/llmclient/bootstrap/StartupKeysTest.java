package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.LlmProviderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract section 9, keys in output, at start-up (issue 18 item 6): a key pasted into another
 * setting (the default model, a base URL's query string, ...) never reaches the start-up failure
 * line or a log line, whether it comes from the environment or from {@code .env}. Every setting
 * documented in docs/configuration.md and .env.example is tried in turn.
 */
class StartupKeysTest {
    private static final String CANARY = "sk-canary-0123456789abcdefghij";
    private static final Pattern EXAMPLE_SETTING = Pattern.compile("^#? ?([A-Z][A-Z0-9_]*)=", Pattern.MULTILINE);
    private static final Pattern TABLE_SETTING = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

    @TempDir
    Path dir;

    /** Every setting the two documents name, so that a setting added to them is tried too. */
    static List<String> documentedSettings() throws IOException {
        var settings = new TreeSet<String>();
        Matcher example = EXAMPLE_SETTING.matcher(Files.readString(Path.of("..", ".env.example")));
        while (example.find()) {
            settings.add(example.group(1));
        }
        for (String row : Files.readAllLines(Path.of("..", "docs", "configuration.md"))) {
            if (row.startsWith("| `")) {
                Matcher names = TABLE_SETTING.matcher(row.substring(0, row.indexOf('|', 1)));
                while (names.find()) {
                    settings.add(names.group(1));
                }
            }
        }
        return List.copyOf(settings);
    }

    static Stream<Arguments> everySettingFromEitherSource() throws IOException {
        // The key as the whole value, and in the query of a loopback http URL: a valid base URL
        // there (warned about at start-up as plain http), an invalid value anywhere else.
        List<String> values = List.of(CANARY, "http://127.0.0.1:9/v1?key=" + CANARY);
        return documentedSettings().stream().filter(setting -> !setting.equals("OPENAI_API_KEY"))
                .flatMap(setting -> Stream.of("environment", ".env").flatMap(source -> values.stream()
                        .map(value -> Arguments.of(setting, source, value))));
    }

    @Test
    void theDocumentedSettingsIncludeTheOnesThatEchoValues() throws IOException {
        assertTrue(documentedSettings().containsAll(List.of("LLM_DEFAULT_MODEL", "ALLOWED_MODELS", "OPENAI_BASE_URL",
                "SERVER_HOST", "LLM_AUDIT_LOG_FILE", "LLM_TLS_TRUST_STORE", "LLM_INBOUND_API_KEYS")),
                documentedSettings().toString());
    }

    @ParameterizedTest(name = "{0} from {1}: {2}")
    @MethodSource("everySettingFromEitherSource")
    void theOpenAiKeyCopiedIntoAnotherSettingIsPrintedNowhere(String setting, String source, String value)
            throws IOException {
        var settings = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "OPENAI_API_KEY", CANARY));
        settings.put(setting, value);
        if (source.equals(".env")) {
            Files.writeString(dir.resolve(".env"), settings.entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining("\n")));
        }
        assertNoRunOfTheCanaryIn(startAndStop(source.equals(".env") ? Map.of() : settings));
    }

    @Test
    void theLinesStillSayWhatIsWrongWithTheKeyShownAsStars() {
        assertEquals(List.of("LLM_DEFAULT_MODEL: '****' must be one of ALLOWED_MODELS [gpt-4.1-mini, gpt-5-mini, "
                        + "claude-3-5-haiku-20241022, gemini-1.5-flash]"),
                startAndStop(Map.of("OPENAI_API_KEY", CANARY, "LLM_DEFAULT_MODEL", CANARY)).stream()
                        .filter(line -> line.startsWith("LLM_DEFAULT_MODEL")).toList());
        assertTrue(startAndStop(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "OPENAI_API_KEY", CANARY, "OPENAI_BASE_URL", "http://127.0.0.1:9/v1?key=" + CANARY)).stream()
                .anyMatch(line -> line.contains("provider openai uses plain http (http://127.0.0.1:9/v1?key=****)")));
    }

    static Stream<Arguments> everySecret() {
        return Stream.of(Arguments.of("ANTHROPIC_API_KEY"), Arguments.of("GOOGLE_API_KEY"),
                Arguments.of("TESTPROV_API_KEY"), Arguments.of("LLM_INBOUND_API_KEYS"),
                Arguments.of("LLM_TLS_TRUST_STORE_PASSWORD"));
    }

    @ParameterizedTest
    @MethodSource("everySecret")
    void everyKindOfSecretIsScrubbedFromStartUpOutput(String secret) {
        for (String setting : List.of("LLM_DEFAULT_MODEL", "ALLOWED_MODELS", "OPENAI_BASE_URL")) {
            // Two inbound keys: the second one is scrubbed too, not only the first.
            String value = secret.equals("LLM_INBOUND_API_KEYS") ? "another-inbound-key-9999," + CANARY : CANARY;
            var env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl", secret, value,
                    setting, setting.endsWith("_URL") ? "http://127.0.0.1:9/v1?key=" + CANARY : CANARY);
            assertNoRunOfTheCanaryIn(startAndStop(env));
        }
    }

    /** What start-up printed: the failure (if any) and every log line. */
    private List<String> startAndStop(Map<String, String> env) {
        var factories = new ArrayList<LlmProviderFactory>(ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList());
        factories.add(new TestProviderFactory());
        var printed = new ArrayList<String>();
        try (var logs = CapturedLogs.capture()) {
            try {
                LlmClientServer.start(env, dir, factories).stop();
            } catch (RuntimeException failure) {
                // What Main prints: the line of a StartupFailure, or the exception itself.
                printed.add(failure instanceof StartupFailure ? failure.getMessage() : failure.toString());
            }
            printed.addAll(logs.lines());
        }
        assertFalse(printed.isEmpty(), "start-up prints something");
        return printed;
    }

    private static void assertNoRunOfTheCanaryIn(List<String> printed) {
        for (String text : printed) {
            // Every 8 characters in a row: each such run holds characters before the last four,
            // the only ones a masked key may show.
            for (int start = 0; start + 8 <= CANARY.length(); start++) {
                String run = CANARY.substring(start, start + 8);
                assertFalse(text.contains(run), "'" + run + "' of the key printed in: " + text);
            }
        }
    }
}
