package io.llmclient.bootstrap.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.bootstrap.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Main mint-key ...} in a process of its own: it mints instead of starting the server,
 * prints the key and the YAML entry and nothing else (no log line), and leaves no file behind.
 */
class MintKeyCommandTest {
    @TempDir
    Path workingDirectory;

    private record Result(int status, String out, String err) {
    }

    private Result main(String... args) throws Exception {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("mint-out", ".txt");
        Path err = Files.createTempFile("mint-err", ".txt");
        try {
            var builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // Were a server to start, this setting would stop it with status 2 and a line on stderr.
            builder.environment().put("SERVER_PORT", "not-a-port");
            Process process = builder.start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "mint-key did not end");
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void mainDispatchesToTheMinterBeforeAnythingStartsAndWritesNoFile() throws Exception {
        Result result = main("mint-key", "--id", "planner-prod", "--team", "research");

        assertEquals(0, result.status(), result.err());
        assertEquals("", result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals(6, lines.size(), result.out());
        assertTrue(lines.getFirst().matches(
                "key \\(shown once, store it in your secret manager now\\): llmk_[A-Za-z0-9_-]{43}"), lines.getFirst());
        String key = lines.getFirst().substring(lines.getFirst().indexOf("llmk_"));
        assertEquals(List.of("llm:", "  keys:", "    - id: planner-prod",
                "      sha256: \"" + KeyMinter.sha256Hex(key) + "\"", "      team: research"), lines.subList(1, 6));
        try (var files = Files.list(workingDirectory)) {
            assertEquals(List.of(), files.toList(), "mint-key writes no file");
        }
    }

    @Test
    void aBadIdExitsWithTwoAndOneLineOnStderr() throws Exception {
        Result result = main("mint-key", "--id", "UPPER");

        assertEquals(2, result.status());
        assertEquals("", result.out());
        assertEquals("mint-key: --id 'UPPER' must match [a-z0-9][a-z0-9._-]{0,62}\n", result.err());
    }
}
