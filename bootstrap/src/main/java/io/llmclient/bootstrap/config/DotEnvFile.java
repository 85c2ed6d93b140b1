package io.llmclient.bootstrap.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .env} file: {@code KEY=VALUE} lines, {@code #} comments and blank lines
 * ignored, an optional leading {@code export }, values optionally in single or double quotes.
 * Kept to the common subset on purpose (no variable expansion, no multi-line values), so that
 * what the file says is what the service gets.
 */
public final class DotEnvFile {

    private DotEnvFile() {
    }

    /** The entries of {@code dir/.env}, or an empty map when there is no such file. */
    public static Map<String, String> read(Path dir) {
        Path file = dir.resolve(".env");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.of(".env", e.getMessage());
        }
    }

    /** Parses the lines of a {@code .env} file; a malformed line is refused with its number. */
    public static Map<String, String> parse(List<String> lines) {
        var entries = new LinkedHashMap<String, String>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                // The line itself is not echoed: it may be a secret pasted without its key.
                throw new IllegalArgumentException("line " + (i + 1) + " must be KEY=VALUE");
            }
            String key = line.substring(0, eq).strip();
            entries.put(key, value(line.substring(eq + 1).strip()));
        }
        return Map.copyOf(entries);
    }

    private static String value(String raw) {
        if (raw.length() >= 2) {
            char first = raw.charAt(0);
            if ((first == '"' || first == '\'') && raw.charAt(raw.length() - 1) == first) {
                return raw.substring(1, raw.length() - 1);
            }
        }
        // An unquoted value may carry a trailing comment: KEY=value # note
        int comment = raw.indexOf(" #");
        return comment >= 0 ? raw.substring(0, comment).strip() : raw;
    }
}
