package io.llmclient.bootstrap.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class KeyMinterTest {
    private static final Pattern KEY_LINE =
            Pattern.compile("^key \\(shown once, store it in your secret manager now\\): (llmk_[A-Za-z0-9_-]{43})$",
                    Pattern.MULTILINE);

    private static final java.nio.file.Path SECRET_SCAN_RULES =
            java.nio.file.Path.of("..", "tools", "secret-scan", ".secretlintrc.json");

    /** What one run printed and returned. */
    private record Run(int status, String out, String err) {
        String key() {
            Matcher matcher = KEY_LINE.matcher(out);
            assertTrue(matcher.find(), out);
            return matcher.group(1);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> entry() {
            String yaml = out.substring(out.indexOf("llm:\n"));
            Map<String, Object> llm = (Map<String, Object>) new Yaml().<Map<String, Object>>load(yaml).get("llm");
            List<Object> keys = (List<Object>) llm.get("keys");
            assertEquals(1, keys.size(), yaml);
            return (Map<String, Object>) keys.getFirst();
        }
    }

    private static Run run(RandomGenerator random, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = KeyMinter.run(args, random, outStream, errStream);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theDigestPrintedIsTheSha256OfTheKeyPrinted() throws Exception {
        Run run = run(new SecureRandom(), "--id", "planner-prod", "--team", "research", "--source-agent", "planner");

        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
        Map<String, Object> entry = run.entry();
        assertEquals("planner-prod", entry.get("id"));
        assertEquals("research", entry.get("team"));
        assertEquals("planner", entry.get("source-agent"));
        assertEquals(sha256(run.key()), entry.get("sha256"));
        assertTrue(((String) entry.get("sha256")).matches("[0-9a-f]{64}"));
    }

    @Test
    void theKeyIsThePrefixAndTheBase64urlOfThirtyTwoRandomBytes() {
        byte[] expected = new byte[32];
        new SplittableRandom(7).nextBytes(expected);

        Run run = run(new SplittableRandom(7), "--id", "a");

        String encoded = run.key().substring("llmk_".length());
        assertEquals(43, encoded.length());
        assertEquals(HexFormat.of().formatHex(expected),
                HexFormat.of().formatHex(java.util.Base64.getUrlDecoder().decode(encoded)));
    }

    @Test
    void twoMintsDiffer() {
        var random = new SecureRandom();
        Run first = run(random, "--id", "planner-prod");
        Run second = run(random, "--id", "planner-prod");

        assertNotEquals(first.key(), second.key());
        assertNotEquals(first.entry().get("sha256"), second.entry().get("sha256"));
    }

    @Test
    void theKeyAppearsExactlyOnceInTheOutputAndNoRunOfItElsewhere() {
        Run run = run(new SecureRandom(), "--id", "planner-prod", "--team", "research");
        String key = run.key();

        assertEquals(run.out().indexOf(key), run.out().lastIndexOf(key), run.out());
        String rest = run.out().replace(key, "");
        // Contract section 9: no run of 8 characters of a key anywhere else.
        for (int i = 0; i + 8 <= key.length(); i++) {
            assertFalse(rest.contains(key.substring(i, i + 8)), "a run of the key repeated: " + run.out());
        }
        assertFalse(run.err().contains(key.substring(5, 13)));
    }

    @Test
    void withoutTeamOrSourceAgentTheEntryHasIdAndDigestOnly() {
        Run run = run(new SecureRandom(), "--id=batch.nightly_2");

        assertEquals(0, run.status());
        assertEquals(Map.of("id", "batch.nightly_2", "sha256", run.entry().get("sha256")), run.entry());
    }

    @Test
    void anIdYamlWouldReadAsANumberOrABooleanIsQuoted() {
        assertEquals("2024", run(new SecureRandom(), "--id", "2024").entry().get("id"));
        assertEquals("no", run(new SecureRandom(), "--id", "no", "--team", "1e3").entry().get("id"));
        assertEquals("1e3", run(new SecureRandom(), "--id", "no", "--team", "1e3").entry().get("team"));
    }

    @Test
    void aBadIdIsRefusedWithTheFlagNamedAndStatusTwo() {
        Run run = run(new SecureRandom(), "--id", "Planner Prod");

        assertEquals(2, run.status());
        assertEquals("", run.out(), "no key is minted for a refused command line");
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("mint-key: --id 'Planner Prod' must match [a-z0-9][a-z0-9._-]{0,62}"), run.err());
    }

    @Test
    void aBadTeamOrSourceAgentAMissingIdOrAnUnknownFlagIsRefusedByName() {
        assertRefused(run(new SecureRandom(), "--id", "a", "--team", "-research"), "--team");
        assertRefused(run(new SecureRandom(), "--id", "a", "--team", "r".repeat(64)), "--team");
        assertRefused(run(new SecureRandom(), "--id", "a", "--source-agent", "plan ner"), "--source-agent");
        assertRefused(run(new SecureRandom(), "--team", "research"), "--id is required");
        assertRefused(run(new SecureRandom(), "--id"), "--id needs a value");
        assertRefused(run(new SecureRandom(), "--id", "a", "--id", "b"), "--id is given twice");
        assertRefused(run(new SecureRandom(), "--id", "a", "--name", "b"), "unknown argument '--name'");
    }

    private static void assertRefused(Run run, String named) {
        assertEquals(2, run.status(), run.out());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("mint-key: ") && run.err().contains(named), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void helpPrintsTheUsageAndMintsNothing() {
        Run run = run(new SecureRandom(), "--help");

        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("usage: java -jar llm-client-service.jar mint-key --id <key-id>"), run.out());
        assertFalse(run.out().contains("llmk_"), run.out());
    }

    @Test
    void theMintedValueDoesNotShowItsKeyWhenPrinted() {
        KeyMinter.Minted minted = KeyMinter.mint(new SecureRandom());

        assertFalse(minted.toString().contains(minted.key()));
        assertTrue(minted.toString().contains(minted.sha256()));
    }

    @Test
    void theSecretScanFindsAMintedKeyButAllowsATestCanary() throws Exception {
        JsonNode options = new ObjectMapper().readTree(java.nio.file.Files.readString(SECRET_SCAN_RULES))
                .at("/rules/1/options");
        Pattern leaked = null;
        for (JsonNode pattern : options.path("patterns")) {
            String regex = pattern.path("patterns").path(0).asText();
            if (regex.contains("llmk_")) {
                leaked = Pattern.compile(regex.substring(1, regex.lastIndexOf('/')));
            }
        }
        assertTrue(leaked != null, "tools/secret-scan has a pattern for llmk_ keys");
        String allows = options.path("allows").path(0).asText();
        Pattern allowed = Pattern.compile(allows.substring(1, allows.lastIndexOf('/')), Pattern.CASE_INSENSITIVE);

        for (int i = 0; i < 20; i++) {
            String key = KeyMinter.mint(new SecureRandom()).key();
            Matcher found = leaked.matcher("Authorization: Bearer " + key);
            assertTrue(found.find() && found.group().equals(key), key.substring(0, 9));
        }
        // A fixed key (a random one has a marker word in it about once in 10^6).
        String seeded = KeyMinter.mint(new SplittableRandom(7)).key();
        Matcher found = leaked.matcher(seeded);
        assertTrue(found.find() && !allowed.matcher(found.group()).find(), "a minted key is not taken for a canary");
        // Built here, not written out: the repository keeps no key-shaped literal, canaries included.
        Matcher canary = leaked.matcher("llmk_" + "test-canary-" + "0".repeat(34));
        assertTrue(canary.find() && allowed.matcher(canary.group()).find(), "canaries stay allowed");
    }
}
