package io.llmclient.bootstrap.keys;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * {@code java -jar llm-client-service.jar mint-key --id <key-id> [--team <team-id>]
 * [--source-agent <agent>]}: makes a new inbound key and prints it once, with the
 * {@code llm.keys} entry that configures it by its SHA-256 digest (contract section 10).
 *
 * <p>The key goes to the given stream only: never to a file, never through Log4j. Nothing here
 * starts the server or the logging system.
 */
public final class KeyMinter {
    /** The subcommand's name, the first argument of the jar. */
    public static final String COMMAND = "mint-key";
    /** Every minted key starts with it (the secret scan recognizes leaked keys by it). */
    public static final String PREFIX = "llmk_";
    /** Random bytes in a key: 256 bits. */
    public static final int KEY_BYTES = 32;
    /** Exit status of a refused command line, as for a refused configuration. */
    public static final int USAGE_EXIT_CODE = 2;
    /** Key and team ids, as the policy accepts them. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** A source agent this tool writes unquoted into YAML. */
    public static final Pattern SOURCE_AGENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    static final String USAGE = """
            usage: java -jar llm-client-service.jar mint-key --id <key-id> [--team <team-id>] [--source-agent <agent>]
              Prints a new inbound key once, and the llm.keys entry (its SHA-256 digest) for the policy file.
              --id            the key's public name, [a-z0-9][a-z0-9._-]{0,62} (logs, audit, metrics)
              --team          optional team id, same rule
              --source-agent  optional: the only source_agent the key may claim, [A-Za-z0-9][A-Za-z0-9._-]{0,127}
            The key is shown once and stored nowhere: put it in your secret manager now.""";

    /** What to mint: the key's id and its optional team and source agent. */
    public record Request(String id, Optional<String> team, Optional<String> sourceAgent) {
    }

    /** A minted key and the lowercase hex of the SHA-256 of its UTF-8 bytes. */
    public record Minted(String key, String sha256) {
        @Override
        public String toString() {
            return "Minted[sha256=" + sha256 + "]";
        }
    }

    /** A command line this tool refuses, with the one line that says why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private KeyMinter() {
    }

    /** Entry point from {@code Main}: mints with {@link SecureRandom} onto stdout, then exits. */
    public static void main(String[] args) {
        int status = run(args, new SecureRandom(), System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the subcommand ({@code args} without the leading {@code mint-key}) and returns the exit
     * status: 0 after a key was printed or after {@code --help}, 2 for a refused command line.
     */
    public static int run(String[] args, RandomGenerator random, PrintStream out, PrintStream err) {
        Request request;
        try {
            Optional<Request> parsed = parse(args);
            if (parsed.isEmpty()) {
                out.println(USAGE);
                return 0;
            }
            request = parsed.get();
        } catch (UsageException refused) {
            err.println("mint-key: " + refused.getMessage());
            return USAGE_EXIT_CODE;
        }
        Minted minted = mint(random);
        out.println("key (shown once, store it in your secret manager now): " + minted.key());
        out.print(yaml(request, minted.sha256()));
        return 0;
    }

    /** The request the arguments describe, or empty for {@code --help}. */
    static Optional<Request> parse(String[] args) throws UsageException {
        String id = null;
        String team = null;
        String sourceAgent = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return Optional.empty();
            }
            String value;
            int equals = flag.indexOf('=');
            if (flag.startsWith("--") && equals > 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                value = null;
            }
            switch (flag) {
                case "--id" -> id = once(flag, id, value);
                case "--team" -> team = once(flag, team, value);
                case "--source-agent" -> sourceAgent = once(flag, sourceAgent, value);
                default -> throw new UsageException("unknown argument " + quoted(flag)
                        + "; expected --id, --team, --source-agent or --help");
            }
        }
        if (id == null) {
            throw new UsageException("--id is required (the key's public name, [a-z0-9][a-z0-9._-]{0,62})");
        }
        check("--id", id, ID);
        if (team != null) {
            check("--team", team, ID);
        }
        if (sourceAgent != null) {
            check("--source-agent", sourceAgent, SOURCE_AGENT);
        }
        return Optional.of(new Request(id, Optional.ofNullable(team), Optional.ofNullable(sourceAgent)));
    }

    private static String once(String flag, String previous, String value) throws UsageException {
        if (value == null) {
            throw new UsageException(flag + " needs a value");
        }
        if (previous != null) {
            throw new UsageException(flag + " is given twice");
        }
        return value;
    }

    private static void check(String flag, String value, Pattern rule) throws UsageException {
        if (!rule.matcher(value).matches()) {
            throw new UsageException(flag + " " + quoted(value) + " must match " + rule.pattern());
        }
    }

    // A refused value is echoed, but never more than 64 characters of it and nothing unprintable.
    private static String quoted(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return "'" + shown.replaceAll("[^\\x20-\\x7E]", "?") + "'";
    }

    /** A new key: {@value #PREFIX} and the unpadded base64url of {@value #KEY_BYTES} random bytes. */
    public static Minted mint(RandomGenerator random) {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        java.util.Arrays.fill(bytes, (byte) 0);
        return new Minted(key, sha256Hex(key));
    }

    /** Lowercase hex of the SHA-256 of the key's UTF-8 bytes, as {@code llm.keys[].sha256} holds it. */
    public static String sha256Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }

    /** The policy entry for the key, under {@code llm: keys:}, ending with a newline. */
    static String yaml(Request request, String sha256) {
        var entry = new StringBuilder()
                .append("llm:\n")
                .append("  keys:\n")
                .append("    - id: ").append(scalar(request.id())).append('\n')
                .append("      sha256: \"").append(sha256).append("\"\n");
        request.team().ifPresent(team -> entry.append("      team: ").append(scalar(team)).append('\n'));
        request.sourceAgent().ifPresent(agent -> entry.append("      source-agent: ").append(scalar(agent)).append('\n'));
        return entry.toString();
    }

    // Plain when YAML reads it back as the same string; quoted when it would read a number, a
    // boolean or null ("2024", "1e3", "no", "null"). The patterns allow no quote or backslash.
    private static String scalar(String value) {
        boolean plain = value.matches("[A-Za-z][A-Za-z0-9._-]*")
                && !value.toLowerCase(java.util.Locale.ROOT).matches("y|n|yes|no|true|false|on|off|null|nan|inf");
        return plain ? value : "\"" + value + "\"";
    }
}
