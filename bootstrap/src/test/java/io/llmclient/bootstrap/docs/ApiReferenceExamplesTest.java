package io.llmclient.bootstrap.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.domain.governance.GovernancePolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples in docs/api-reference.md are executed: each documented request is sent to the
 * service as the README starts it (no provider key, so the offline simulator answers), and the
 * answer must be the documented one, generated values aside. A page edit or a behaviour change
 * that makes them disagree fails the build.
 *
 * <p>A second service runs the page's one {@code yaml policy} block as its {@code LLM_CONFIG_FILE}
 * (keys, limits, budgets, prices): every request that carries a key ({@code Authorization} or
 * {@code x-api-key}), and every request of the section that holds that block, goes to it. All
 * requests are sent in page order, as the limits and budgets they show depend on the calls before.
 */
class ApiReferenceExamplesTest {
    static final Path PAGE = Path.of("..", "docs", "api-reference.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NOT_SENT = Set.of("content-length", "host", "connection");

    private static final Pattern DIGEST = Pattern.compile("sha256:\\s*\"?([0-9a-f]{64})\"?");

    @TempDir
    static Path dir;
    private static RunningServer server;
    private static RunningServer governed;
    private static String governedSection;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheServiceAsTheReadmeDoes() throws IOException {
        Map<String, String> env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl");
        server = LlmClientServer.start(env, dir);
        String[] policy = DocumentedExchange.block(Files.readString(PAGE), "yaml policy");
        governedSection = policy[0];
        Path governedDir = Files.createDirectories(dir.resolve("governed"));
        Files.writeString(governedDir.resolve("policy.yaml"), policy[1]);
        var governedEnv = new HashMap<>(env);
        governedEnv.put("LLM_CONFIG_FILE", "policy.yaml");
        governed = LlmClientServer.start(governedEnv, governedDir);
    }

    @AfterAll
    static void stop() {
        if (governed != null) {
            governed.stop();
        }
        server.stop();
    }

    private static List<DocumentedExchange> examples() throws IOException {
        return DocumentedExchange.parse(Files.readString(PAGE));
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedRequestGetsTheDocumentedResponse() throws IOException {
        return examples().stream().map(example -> dynamicTest(example.title(), () -> check(example)));
    }

    @Test
    void thePageShowsEveryMethodAndEveryErrorTheSimulatorCanProduce() throws IOException {
        var methods = new TreeSet<String>();
        var codes = new TreeSet<Integer>();
        var paths = new TreeSet<String>();
        for (DocumentedExchange example : examples()) {
            paths.add(example.request().startLine());
            String body = example.request().body();
            if (body.startsWith("{") || body.startsWith("[")) {
                readQuietly(body).findValues("method").forEach(m -> methods.add(m.asText()));
            }
            String reply = example.response().body();
            reply.lines().map(l -> l.startsWith("data: ") ? l.substring(6) : l).filter(l -> l.startsWith("{"))
                    .forEach(l -> readQuietly(l).findValues("code").forEach(c -> codes.add(c.asInt())));
            if (reply.startsWith("{") || reply.startsWith("[")) {
                readQuietly(reply).findValues("code").forEach(c -> codes.add(c.asInt()));
            }
        }
        assertTrue(methods.containsAll(Set.of("llm.complete", "llm.stream", "llm.models", "llm.quota")),
                methods.toString());
        assertTrue(codes.containsAll(Set.of(-32700, -32600, -32601, -32602, -32001, -32005, -32007, -32008)),
                codes.toString());
        assertTrue(paths.containsAll(Set.of("POST /jsonrpc", "POST /v1/chat/completions", "GET /v1/models",
                "GET /health")), paths.toString());
    }

    @Test
    void everyDigestOfThePolicyIsOfAKeyTheExamplesSend() throws IOException {
        var sent = new TreeSet<String>();
        for (DocumentedExchange example : examples()) {
            String key = keyOf(example.request());
            if (key != null) {
                sent.add(GovernancePolicy.sha256(key));
            }
        }
        String policy = DocumentedExchange.block(Files.readString(PAGE), "yaml policy")[1];
        Matcher digests = DIGEST.matcher(policy);
        int count = 0;
        while (digests.find()) {
            count++;
            assertTrue(sent.contains(digests.group(1)), "the policy's sha256 " + digests.group(1)
                    + " is of no key the examples send; theirs: " + sent);
        }
        assertEquals(policy.lines().filter(l -> l.strip().startsWith("sha256:")).count(), count,
                "every sha256 of the policy is 64 lower-case hex characters");
        assertTrue(count > 0, "the policy configures keys");
    }

    /** The key a request carries ({@code Authorization: Bearer} or {@code x-api-key}), or null. */
    private static String keyOf(DocumentedExchange.Message request) {
        String authorization = request.header("Authorization");
        if (authorization != null) {
            return authorization.replaceFirst("(?i)^bearer\\s+", "").strip();
        }
        String apiKey = request.header("x-api-key");
        return apiKey == null ? null : apiKey.strip();
    }

    private static JsonNode readQuietly(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    private void check(DocumentedExchange example) throws Exception {
        DocumentedExchange.Message documented = example.response();
        RunningServer target = keyOf(example.request()) != null || example.section().equals(governedSection)
                ? governed : server;
        HttpResponse<String> actual = send(target, example.request());
        assertEquals(statusOf(documented), actual.statusCode(), actual.body());
        documented.headers().forEach((name, value) -> {
            List<String> got = actual.headers().allValues(name);
            assertTrue(got.stream().anyMatch(v -> Placeholders.headerMatches(value, v)),
                    name + ": documented '" + value + "', got " + got);
        });
        String type = documented.header("Content-Type");
        if (documented.body().isEmpty()) {
            assertEquals("", actual.body());
        } else if (type != null && type.startsWith("text/event-stream")) {
            compareEvents(documented.body(), actual.body());
        } else {
            List<String> problems = Placeholders.differences(JSON.readTree(documented.body()),
                    JSON.readTree(actual.body()));
            if (!problems.isEmpty()) {
                fail(String.join("\n", problems) + "\nwhole answer: " + actual.body());
            }
        }
    }

    private HttpResponse<String> send(RunningServer target, DocumentedExchange.Message request) throws Exception {
        String[] start = request.startLine().split(" ");
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + start[1]));
        request.headers().forEach((name, value) -> {
            if (!NOT_SENT.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        builder.method(start[0], request.body().isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(request.body()));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int statusOf(DocumentedExchange.Message response) {
        return Integer.parseInt(response.startLine().split(" ")[1]);
    }

    // Event by event, line by line; a data line holding JSON is compared as JSON with placeholders.
    private static void compareEvents(String documented, String actual) throws IOException {
        List<String> want = events(documented);
        List<String> got = events(actual);
        assertEquals(want.size(), got.size(), "number of events; got:\n" + actual);
        var problems = new ArrayList<String>();
        for (int e = 0; e < want.size(); e++) {
            List<String> wantLines = want.get(e).lines().toList();
            List<String> gotLines = got.get(e).lines().toList();
            if (wantLines.size() != gotLines.size()) {
                problems.add("event " + e + ": documented " + want.get(e) + ", got " + got.get(e));
                continue;
            }
            String where = "event " + e + " ";
            for (int l = 0; l < wantLines.size(); l++) {
                String w = wantLines.get(l);
                String g = gotLines.get(l);
                if (w.startsWith("data: {") && g.startsWith("data: {")) {
                    Placeholders.differences(JSON.readTree(w.substring(6)), JSON.readTree(g.substring(6)))
                            .forEach(p -> problems.add(where + p));
                } else if (!w.equals(g)) {
                    problems.add(where + "documented '" + w + "', got '" + g + "'");
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems) + "\nwhole stream:\n" + actual);
        }
    }

    private static List<String> events(String stream) {
        return Stream.of(stream.replace("\r\n", "\n").strip().split("\n\n+")).map(String::strip).toList();
    }
}
