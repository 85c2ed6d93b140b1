package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * A request for a model whose provider has no key is refused with -32005 and counted as an error
 * of that model, on both surfaces, so that the alerts that watch for an unavailable provider
 * (docs/metrics.md's "provider unavailable", the ops rules' {@code LlmProviderDown}) see it.
 */
class ProviderUnavailableSeriesTest {
    private static final String MODEL = Upstreams.GEMINI_MODEL;
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern EQUALS = Pattern.compile("(\\w+)\\s*=\\s*\"([^\"]*)\"");

    @TempDir
    static Path dir;
    static Upstreams upstreams;
    static RunningServer server;
    static ServiceClient client;

    @BeforeAll
    static void start() {
        upstreams = new Upstreams();
        var env = new HashMap<>(upstreams.env("sk-test-openai-0000", "sk-ant-test-0000", ""));
        env.remove("GOOGLE_API_KEY");
        env.putAll(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "ALLOWED_MODELS", String.join(",", Upstreams.OPENAI_MODEL, MODEL)));
        server = LlmClientServer.start(env, dir);
        client = new ServiceClient(server);
    }

    @AfterAll
    static void stop() {
        server.stop();
        upstreams.close();
    }

    @Test
    void aModelWithoutKeyIsRefusedAndCountedAsAProviderUnavailableErrorOfThatModel() throws IOException {
        Scrape before = Scrape.of(server);

        JsonNode rpc = client.rpc("llm.complete", """
                {"model":"%s","messages":[{"role":"user","content":"Hello"}]}""".formatted(MODEL));
        var openAi = client.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"Hello"}]}""".formatted(MODEL));
        Scrape after = Scrape.of(server);

        assertEquals(-32005, rpc.at("/error/code").asInt(), rpc.toString());
        assertEquals(503, openAi.statusCode(), openAi.body());
        assertEquals(2.0, moved(before, after, "llm_errors_total",
                Map.of("provider", "gemini", "model", MODEL, "error_type", "ProviderUnavailableError")));
        assertEquals(2.0, moved(before, after, "llm_requests_total",
                Map.of("provider", "gemini", "model", MODEL, "status", "error")));
        assertEquals(0.0, after.gauge("llm_active_requests", Map.of("provider", "gemini")).orElseThrow());

        // The alerts' own selectors, as written, match the series that moved.
        assertEquals(2.0, movedForGemini(before, after, alertOfMetricsPage("provider unavailable")));
        assertEquals(2.0, movedForGemini(before, after, opsRule("LlmProviderDown")));
    }

    private static double moved(Scrape before, Scrape after, String name, Map<String, String> labels) {
        return after.counter(name, labels) - before.counter(name, labels);
    }

    // What the expression's first selector reads of provider gemini: the sum over every matching series.
    private static double movedForGemini(Scrape before, Scrape after, String expr) {
        Matcher selector = SELECTOR.matcher(expr);
        assertTrue(selector.find(), "no selector in " + expr);
        String name = selector.group(1);
        var matchers = new HashMap<String, String>();
        Matcher equals = EQUALS.matcher(selector.group(2));
        while (equals.find()) {
            matchers.put(equals.group(1), equals.group(2));
        }
        matchers.put("provider", "gemini");
        double moved = 0;
        for (Map<String, String> labels : after.labelSets(name)) {
            if (labels.entrySet().containsAll(matchers.entrySet())) {
                moved += moved(before, after, name, labels);
            }
        }
        return moved;
    }

    private static String alertOfMetricsPage(String alert) throws IOException {
        for (String line : Files.readAllLines(Path.of("..", "docs", "metrics.md"))) {
            if (line.startsWith("| " + alert + " |")) {
                return line.split("`")[1];
            }
        }
        throw new AssertionError("docs/metrics.md has no alert " + alert);
    }

    @SuppressWarnings("unchecked")
    private static String opsRule(String alert) throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(Path.of("..", "docs", "ops",
                "prometheus-alerts.yml")));
        var rules = new ArrayList<Map<String, Object>>();
        for (Object group : (List<Object>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) ((Map<String, Object>) group).get("rules"));
        }
        return rules.stream().filter(rule -> alert.equals(rule.get("alert"))).map(rule -> (String) rule.get("expr"))
                .findFirst().orElseThrow(() -> new AssertionError("no ops rule " + alert));
    }
}
