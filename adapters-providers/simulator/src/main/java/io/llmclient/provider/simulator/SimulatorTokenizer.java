package io.llmclient.provider.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's documented tokenisation rule: a token is a maximal run of letters and
 * digits, or any single other character that is not white space. White space is never a
 * token; it travels with the token that follows it, so joining the pieces restores the text.
 */
final class SimulatorTokenizer {

    private SimulatorTokenizer() {
    }

    /** The number of tokens in {@code text}. */
    static int count(String text) {
        return pieces(text).size();
    }

    /** The text cut into tokens, each carrying the white space before it. */
    static List<String> pieces(String text) {
        var pieces = new ArrayList<String>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = i;
            while (i < n && Character.isWhitespace(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            if (i >= n) {
                if (!pieces.isEmpty()) {
                    pieces.set(pieces.size() - 1, pieces.getLast() + text.substring(start));
                }
                break;
            }
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                while (i < n && Character.isLetterOrDigit(text.codePointAt(i))) {
                    i += Character.charCount(text.codePointAt(i));
                }
            }
            pieces.add(text.substring(start, i));
        }
        return pieces;
    }
}
