package io.llmclient.bootstrap.docs;

import com.fasterxml.jackson.databind.JsonNode;
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

    private Placeholders() {
    }

    /** What a placeholder accepts, or null when the text is not a placeholder. */
    static Predicate<JsonNode> of(String text) {
        return switch (text) {
            case "<id>" -> n -> n.isTextual() && !n.textValue().isBlank();
            case "<uuid>" -> n -> n.isTextual() && UUID.matcher(n.textValue()).matches();
            case "<ms>" -> n -> n.isIntegralNumber() && n.asLong() >= 0;
            case "<epoch-seconds>" -> n -> n.isIntegralNumber() && n.asLong() > EPOCH_FLOOR;
            default -> null;
        };
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
