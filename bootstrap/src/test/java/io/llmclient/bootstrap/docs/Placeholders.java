package io.llmclient.bootstrap.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Compares a documented JSON value with the one the service sent. Everything must be equal
 * (object member order aside) except values the service generates, which the page writes as
 * placeholders; docs/api-reference.md lists them under "How these examples are checked".
 */
final class Placeholders {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    // 2020-09-13: any service start after it is a plausible `created`.
    private static final long EPOCH_FLOOR = 1_600_000_000L;
    // A Go-style duration as the x-ratelimit-reset-* headers write it: 1s, 6m0s, 59.874s, 12ms.
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+h)?(\\d+m)?\\d+(\\.\\d+)?s|\\d+ms");
    // The rolling windows are 60 s long: no wait or reset of theirs is longer.
    private static final BigDecimal WINDOW_SECONDS = BigDecimal.valueOf(60);
    // Placeholders that may also stand inside a longer text (an error message), and what they match there.
    private static final Pattern EMBEDDED = Pattern.compile("<seconds>|<utc>");
    private static final java.util.Map<String, String> EMBEDDED_MATCHES = java.util.Map.of(
            "<seconds>", "\\d{1,2}(\\.\\d+)?", "<utc>", "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

    private Placeholders() {
    }

    /** What a placeholder accepts, or null when the text is not a placeholder. */
    static Predicate<JsonNode> of(String text) {
        return switch (text) {
            case "<id>" -> n -> n.isTextual() && !n.textValue().isBlank();
            case "<uuid>" -> n -> n.isTextual() && UUID.matcher(n.textValue()).matches();
            case "<ms>" -> n -> n.isIntegralNumber() && n.asLong() >= 0;
            case "<epoch-seconds>" -> n -> n.isIntegralNumber() && n.asLong() > EPOCH_FLOOR;
            case "<seconds>" -> Placeholders::withinTheWindow;
            case "<duration>" -> n -> n.isTextual() && GO_DURATION.matcher(n.textValue()).matches();
            case "<utc>" -> n -> n.isTextual() && isInstant(n.textValue());
            default -> null;
        };
    }

    // A JSON number, or a header's text, of seconds between 0 and 60.
    private static boolean withinTheWindow(JsonNode n) {
        BigDecimal seconds;
        if (n.isNumber()) {
            seconds = n.decimalValue();
        } else if (n.isTextual() && n.textValue().matches("\\d+(\\.\\d+)?")) {
            seconds = new BigDecimal(n.textValue());
        } else {
            return false;
        }
        return seconds.signum() >= 0 && seconds.compareTo(WINDOW_SECONDS) <= 0;
    }

    // A text with placeholders inside: its other characters literally, each placeholder as its pattern.
    private static Pattern embedded(String documented) {
        var regex = new StringBuilder();
        var matcher = EMBEDDED.matcher(documented);
        int last = 0;
        while (matcher.find()) {
            regex.append(Pattern.quote(documented.substring(last, matcher.start())))
                    .append(EMBEDDED_MATCHES.get(matcher.group()));
            last = matcher.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(documented.substring(last))).toString());
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text);
            return text.endsWith("Z");
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** A header value: equal, or matching the placeholder it is. */
    static boolean headerMatches(String documented, String actual) {
        Predicate<JsonNode> placeholder = of(documented);
        return placeholder == null ? documented.equals(actual)
                : placeholder.test(com.fasterxml.jackson.databind.node.TextNode.valueOf(actual));
    }

    /** Every difference, as "path: what"; empty when the documented value matches. */
    static List<String> differences(JsonNode documented, JsonNode actual) {
        var problems = new ArrayList<String>();
        compare(documented, actual, "$", problems);
        return problems;
    }

    private static void compare(JsonNode documented, JsonNode actual, String path, List<String> problems) {
        Predicate<JsonNode> placeholder = documented.isTextual() ? of(documented.textValue()) : null;
        if (placeholder == null && documented.isTextual() && EMBEDDED.matcher(documented.textValue()).find()) {
            placeholder = n -> n.isTextual() && embedded(documented.textValue()).matcher(n.textValue()).matches();
        }
        if (placeholder != null) {
            if (actual == null || !placeholder.test(actual)) {
                problems.add(path + ": documented " + documented + ", got " + actual);
            }
        } else if (actual == null || documented.getNodeType() != actual.getNodeType()) {
            problems.add(path + ": documented " + documented + ", got " + actual);
        } else if (documented.isObject()) {
            var names = new TreeSet<String>();
            documented.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!documented.has(name)) {
                    problems.add(path + "." + name + ": not documented, got " + actual.get(name));
                } else {
                    compare(documented.get(name), actual.get(name), path + "." + name, problems);
                }
            }
        } else if (documented.isArray()) {
            if (documented.size() != actual.size()) {
                problems.add(path + ": documented " + documented.size() + " elements, got " + actual.size()
                        + ": " + actual);
                return;
            }
            Iterator<JsonNode> got = actual.elements();
            int i = 0;
            for (JsonNode element : documented) {
                compare(element, got.next(), path + "[" + i++ + "]", problems);
            }
        } else if (!documented.equals(actual)) {
            problems.add(path + ": documented " + documented + ", got " + actual);
        }
    }
}
