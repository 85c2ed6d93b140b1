package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.domain.governance.GovernancePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prices, teams and keys follow the file named by {@code LLM_CONFIG_FILE} without a restart
 * (contract sections 10 and 14): within 5 s, rewritten in place or replaced by a rename; an invalid
 * or half-written file never replaces the running policy; spend survives; a change outside the
 * per-caller policy is logged once as needing a restart and not applied.
 */
class PolicyReloadTest {
    private static final String KEY_1 = "llmk_test-canary-reload-1";
    private static final String KEY_2 = "llmk_test-canary-reload-2";
    private static final Duration WITHIN = Duration.ofSeconds(5);
    private static final String REJECTED = "policy reload rejected";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private Path file;
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String key(String id, String key, String extra) {
        return "    - {id: %s, sha256: \"%s\"%s}\n".formatted(id, GovernancePolicy.sha256(key), extra);
    }

    private static final String BUDGETED = ", models: [sim-fast], budget: {usd: 50.0, period: total}";

    private static String policy(String... keys) {
        return """
                llm:
                  prices:
                    sim-fast: {input: 100.0, output: 100.0}
                  teams:
                    - {id: reloaders}
                  keys:
                """ + String.join("", keys);
    }

    private void start(String policy) throws IOException {
        file = dir.resolve("policy.yaml");
        Files.writeString(file, policy);
        server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_CONFIG_FILE", "policy.yaml"), dir);
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int models(String key) throws Exception {
        return get("/v1/models", key).statusCode();
    }

    private void awaitModels(String key, int status) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (models(key) != status) {
            if (System.nanoTime() > deadline) {
                fail("GET /v1/models did not answer " + status + " within " + WITHIN);
            }
            Thread.sleep(100);
        }
    }

    private Optional<Double> series(String name, String label) throws Exception {
        return Arrays.stream(get("/metrics", null).body().split("\n"))
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }

    private void awaitSeries(String name, String label, double value) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!series(name, label).equals(Optional.of(value))) {
            if (System.nanoTime() > deadline) {
                fail(name + "{" + label + "} did not reach " + value + " within " + WITHIN);
            }
            Thread.sleep(100);
        }
    }

    // Two more polls of the file: enough for a second log line or reload, were there one.
    private static void twoMorePolls() throws InterruptedException {
        Thread.sleep(2_200);
    }

    private static long count(CapturedLogs logs, String text) {
        return logs.lines().stream().filter(line -> line.contains(text)).count();
    }

    private void replaceByRename(String content) throws IOException {
        Path next = Files.writeString(dir.resolve("policy.yaml.tmp"), content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aKeyAddedByRewritingTheFileInPlaceIsAcceptedAndARemovedOneRefusedWithoutARestart() throws Exception {
        try (var logs = CapturedLogs.capture()) {
            start(policy(key("reload-one", KEY_1, "")));
            assertEquals(200, models(KEY_1));
            assertEquals(401, models(KEY_2));

            Files.writeString(file, policy(key("reload-one", KEY_1, ""), key("reload-two", KEY_2, ", team: reloaders")));
            awaitModels(KEY_2, 200);
            assertEquals(200, models(KEY_1));

            Files.writeString(file, policy(key("reload-two", KEY_2, "")));
            awaitModels(KEY_1, 401);
            assertEquals(200, models(KEY_2));

            awaitSeries("llm_config_reloads_total", "result=\"applied\"", 2.0);
            assertEquals(1, count(logs, "policy reloaded from " + file + ": 1 keys, 1 teams, 1 prices"),
                    String.join("\n", logs.lines()));
            assertEquals(0, count(logs, "need a restart"), "nothing but keys changed");
            assertTrue(logs.lines().stream().noneMatch(line -> line.contains("canary")), "no key is logged");
        }
    }

    @Test
    void aFileReplacedByAnAtomicRenameIsAppliedToo() throws Exception {
        start(policy(key("reload-one", KEY_1, "")));
        assertEquals(401, models(KEY_2));

        replaceByRename(policy(key("reload-one", KEY_1, ""), key("reload-two", KEY_2, "")));
        awaitModels(KEY_2, 200);

        replaceByRename(policy(key("reload-two", KEY_2, "")));
        awaitModels(KEY_1, 401);
        assertEquals(200, models(KEY_2));
    }

    @Test
    void anInvalidFileIsRefusedWithOneLineAndTheRunningPolicyStays() throws Exception {
        try (var logs = CapturedLogs.capture()) {
            start(policy(key("reload-one", KEY_1, "")));

            Files.writeString(file, policy(key("reload-one", KEY_1, ""), key("reload-two", KEY_2, ""))
                    + "    - {id: reload-three, sha256: \"0123456789\"}\n");
            awaitSeries("llm_config_reloads_total", "result=\"rejected\"", 1.0);
            assertEquals(200, models(KEY_1));
            assertEquals(401, models(KEY_2), "nothing of a refused file is applied");
            twoMorePolls();

            List<String> refusals = logs.lines().stream().filter(line -> line.contains(REJECTED)).toList();
            assertEquals(1, refusals.size(), String.join("\n", logs.lines()));
            assertTrue(refusals.getFirst().contains("llm.keys[2].sha256"), refusals.getFirst());
            assertEquals(Optional.of(1.0), series("llm_config_reloads_total", "result=\"rejected\""));
            assertEquals(Optional.empty(), series("llm_config_reloads_total", "result=\"applied\""));
        }
    }

    @Test
    void aHalfWrittenFileNeverFailsAValidKeyAndTheWholeFileIsApplied() throws Exception {
        start(policy(key("reload-one", KEY_1, "")));
        byte[] whole = policy(key("reload-one", KEY_1, ""), key("reload-two", KEY_2, ""))
                .getBytes(StandardCharsets.UTF_8);
        // Cut in the middle of the second key's digest, as a slow writer leaves it.
        int cut = new String(whole, StandardCharsets.UTF_8).indexOf(GovernancePolicy.sha256(KEY_2)) + 20;

        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(whole, 0, cut);
            out.flush();
            long until = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(200, models(KEY_1), "a valid key keeps working while the file is half written");
                Thread.sleep(50);
            }
            out.write(whole, cut, whole.length - cut);
        }
        awaitModels(KEY_2, 200);
        assertEquals(200, models(KEY_1));
    }

    @Test
    void spendSurvivesAReload() throws Exception {
        start(policy(key("reload-one", KEY_1, BUDGETED)));
        var call = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY_1).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"sim-fast","messages":[{"role":"user","content":"Hi"}]}""")).build();
        var answer = HTTP.send(call, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        double spent = series("llm_budget_spent_usd", "principal=\"reload-one\"").orElseThrow();
        assertTrue(spent > 0, "the call was charged: " + spent);

        Files.writeString(file, policy(key("reload-one", KEY_1, BUDGETED), key("reload-two", KEY_2, "")));
        awaitModels(KEY_2, 200);

        assertEquals(Optional.of(spent), series("llm_budget_spent_usd", "principal=\"reload-one\""));
        assertEquals(Optional.of(50.0), series("llm_budget_limit_usd", "principal=\"reload-one\""));
    }

    @Test
    void aCatalogChangeIsLoggedOnceAsNeedingARestartAndNotApplied() throws Exception {
        String bundled;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/application.yaml"))) {
            bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(bundled.contains("\nllm:\n  # Every model") && bundled.contains("\n  catalog:\n"));
        try (var logs = CapturedLogs.capture()) {
            start(policy(key("reload-one", KEY_1, "")));
            String before = get("/v1/models", KEY_1).body();

            Files.writeString(file, bundled
                    .replace("\n  catalog:\n", "\n  catalog:\n    - {id: sim-extra, provider: simulator, tier: fast}\n")
                    .replace("\nllm:\n", "\nllm:\n  keys:\n" + key("reload-one", KEY_1, "")
                            + key("reload-two", KEY_2, "")));
            awaitModels(KEY_2, 200);
            twoMorePolls();

            assertEquals(1, count(logs, "LLM_CONFIG_FILE: changes outside llm.prices, llm.teams and llm.keys need "
                    + "a restart; they are not applied"), String.join("\n", logs.lines()));
            String after = get("/v1/models", KEY_1).body();
            assertFalse(after.contains("sim-extra"), after);
            assertEquals(before, after);
            assertEquals(0, count(logs, REJECTED));
        }
    }
}
