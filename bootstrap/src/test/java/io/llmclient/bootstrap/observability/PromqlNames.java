package io.llmclient.bootstrap.observability;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names a PromQL expression reads, found by a small lexer: identifiers that are not
 * functions (followed by {@code (}), aggregation operators, keywords, or label names inside
 * {@code {...}}, {@code by (...)} and friends; string literals and range selectors are skipped.
 */
final class PromqlNames {
    private static final Set<String> OPERATORS = Set.of("sum", "avg", "min", "max", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group", "and", "or", "unless", "bool", "offset");
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    private PromqlNames() {
    }

    static Set<String> of(String expr) {
        var names = new LinkedHashSet<String>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '{') {
                i = skipPast(expr, i, '}');
            } else if (c == '[') {
                i = skipPast(expr, i, ']');
            } else if (isIdentifierStart(c)) {
                int end = i;
                while (end < expr.length() && isIdentifierPart(expr.charAt(end))) {
                    end++;
                }
                String word = expr.substring(i, end);
                int next = skipSpaces(expr, end);
                boolean call = next < expr.length() && expr.charAt(next) == '(';
                if (LABEL_LISTS.contains(word) && call) {
                    i = skipPast(expr, next, ')');
                } else {
                    if (!call && !OPERATORS.contains(word) && !LABEL_LISTS.contains(word)) {
                        names.add(word);
                    }
                    i = end;
                }
            } else if (Character.isDigit(c) || c == '.') {
                // A number such as 0.95 or 1e3, or a duration such as 5m after offset.
                i++;
                while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else {
                i++;
            }
        }
        return names;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || Character.isDigit(c);
    }

    private static int skipSpaces(String expr, int i) {
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipString(String expr, int start) {
        char quote = expr.charAt(start);
        int i = start + 1;
        while (i < expr.length() && expr.charAt(i) != quote) {
            i += expr.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static int skipPast(String expr, int start, char close) {
        int i = start + 1;
        while (i < expr.length() && expr.charAt(i) != close) {
            char c = expr.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(expr, i) : i + 1;
        }
        if (i >= expr.length()) {
            throw new IllegalArgumentException("unclosed '" + expr.charAt(start) + "' in: " + expr);
        }
        return i + 1;
    }
}
