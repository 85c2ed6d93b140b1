package io.llmclient.bootstrap.config;

import io.helidon.config.Config;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads one flat setting from the layered config and checks its rule; a broken value becomes
 * an {@link InvalidConfigException} naming the key and the rule. Blank counts as unset.
 */
final class Values {
    private final Config config;

    Values(Config config) {
        this.config = config;
    }

    Optional<String> raw(String key) {
        return config.get(key).asString().asOptional().map(String::strip).filter(value -> !value.isEmpty());
    }

    String string(String key, String fallback) {
        return raw(key).orElse(fallback);
    }

    /**
     * An address to bind: an IP literal or a host name that resolves now. Checked here, not left
     * to the server, so that a wrong value is one line naming the key (and scrubbed like any
     * other value) rather than an exception quoting it.
     */
    String host(String key, String fallback) {
        String host = string(key, fallback);
        try {
            InetAddress.getByName(host);
            return host;
        } catch (UnknownHostException e) {
            throw InvalidConfigException.of(key, "must be an IP address or a host name that resolves", host);
        }
    }

    int port(String key, int fallback) {
        return raw(key).map(value -> {
            String rule = "must be a port number 0..65535 (0 = any free port)";
            int port = parseInt(key, value, rule);
            if (port < 0 || port > 65535) {
                throw InvalidConfigException.of(key, rule, value);
            }
            return port;
        }).orElse(fallback);
    }

    int atLeast(String key, int minimum, int fallback) {
        return raw(key).map(value -> {
            String rule = "must be a whole number >= " + minimum;
            int number = parseInt(key, value, rule);
            if (number < minimum) {
                throw InvalidConfigException.of(key, rule, value);
            }
            return number;
        }).orElse(fallback);
    }

    long positiveLong(String key, long fallback) {
        return raw(key).map(value -> {
            String rule = "must be a whole number > 0";
            try {
                long number = Long.parseLong(value);
                if (number <= 0) {
                    throw InvalidConfigException.of(key, rule, value);
                }
                return number;
            } catch (NumberFormatException e) {
                throw InvalidConfigException.of(key, rule, value);
            }
        }).orElse(fallback);
    }

    /** Seconds, possibly fractional; {@code strictlyPositive} forbids 0. */
    Duration seconds(String key, boolean strictlyPositive, double fallback) {
        String rule = strictlyPositive ? "must be a number of seconds > 0" : "must be a number of seconds >= 0";
        double seconds = raw(key).map(value -> {
            double number = parseDouble(key, value, rule);
            if (strictlyPositive ? number <= 0 : number < 0) {
                throw InvalidConfigException.of(key, rule, value);
            }
            return number;
        }).orElse(fallback);
        return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
    }

    double atLeast(String key, double minimum, double fallback) {
        return raw(key).map(value -> {
            String rule = "must be a number >= " + (minimum == Math.rint(minimum)
                    ? Long.toString((long) minimum) : Double.toString(minimum));
            double number = parseDouble(key, value, rule);
            if (number < minimum) {
                throw InvalidConfigException.of(key, rule, value);
            }
            return number;
        }).orElse(fallback);
    }

    Optional<Boolean> bool(String key) {
        return raw(key).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw InvalidConfigException.of(key, "must be true or false", value);
        });
    }

    /** An absolute http(s) URL; a trailing slash is dropped so that paths can be appended. */
    Optional<URI> url(String key) {
        return raw(key).map(value -> {
            String rule = "must be an absolute http or https URL";
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                        || uri.getRawUserInfo() != null) {
                    throw InvalidConfigException.of(key, rule, value);
                }
                return value.endsWith("/") ? new URI(value.substring(0, value.length() - 1)) : uri;
            } catch (URISyntaxException e) {
                throw InvalidConfigException.of(key, rule, value);
            }
        });
    }

    /** A comma-separated list, entries stripped, empty entries dropped. */
    Optional<List<String>> list(String key) {
        return raw(key).map(value -> Arrays.stream(value.split(",")).map(String::strip)
                .filter(entry -> !entry.isEmpty()).toList());
    }

    private static int parseInt(String key, String value, String rule) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw InvalidConfigException.of(key, rule, value);
        }
    }

    private static double parseDouble(String key, String value, String rule) {
        try {
            double number = Double.parseDouble(value);
            if (!Double.isFinite(number) || value.endsWith("d") || value.endsWith("D")
                    || value.endsWith("f") || value.endsWith("F")) {
                throw InvalidConfigException.of(key, rule, value);
            }
            return number;
        } catch (NumberFormatException e) {
            throw InvalidConfigException.of(key, rule, value);
        }
    }
}
