package io.llmclient.bootstrap.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and the response documented for it, read from a Markdown page: a fenced block
 * tagged {@code http request} followed by one tagged {@code http response}. Each block is an HTTP
 * message as a reader would write it: a start line ({@code POST /jsonrpc} or {@code HTTP/1.1 200
 * OK}), header lines, a blank line, the body. {@code section} is the page's level-2 heading the
 * exchange stands under.
 */
record DocumentedExchange(String title, String section, Message request, Message response) {

    /** A start line, headers in the order written, and the body (trimmed; empty when none). */
    record Message(String startLine, Map<String, String> headers, String body) {

        static Message parse(List<String> lines) {
            var headers = new LinkedHashMap<String, String>();
            int i = 1;
            for (; i < lines.size() && !lines.get(i).isBlank(); i++) {
                String line = lines.get(i);
                int colon = line.indexOf(':');
                if (colon < 1) {
                    throw new IllegalArgumentException("not a header line: " + line);
                }
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
            String body = String.join("\n", lines.subList(Math.min(i, lines.size()), lines.size())).strip();
            return new Message(lines.getFirst().strip(), headers, body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
    }

    /** Every exchange on the page, in order; a request without a response right after it is an error. */
    static List<DocumentedExchange> parse(String markdown) {
        var exchanges = new ArrayList<DocumentedExchange>();
        List<String> lines = markdown.lines().toList();
        String heading = "(top)";
        String section = "(top)";
        Message pending = null;
        String pendingTitle = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
                if (line.startsWith("## ")) {
                    section = heading;
                }
                continue;
            }
            String fence = line.strip();
            if (!fence.startsWith("```http request") && !fence.startsWith("```http response")) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            Message message = Message.parse(lines.subList(i + 1, end));
            if (fence.startsWith("```http request")) {
                if (pending != null) {
                    throw new IllegalArgumentException("request under '" + pendingTitle + "' has no response block");
                }
                pending = message;
                pendingTitle = heading + " (line " + (i + 1) + ")";
            } else {
                if (pending == null) {
                    throw new IllegalArgumentException("response at line " + (i + 1) + " follows no request");
                }
                exchanges.add(new DocumentedExchange(pendingTitle, section, pending, message));
                pending = null;
            }
            i = end;
        }
        if (pending != null) {
            throw new IllegalArgumentException("request under '" + pendingTitle + "' has no response block");
        }
        return exchanges;
    }

    /**
     * The one fenced block tagged {@code tag} (for example {@code yaml policy}) and the level-2
     * heading it stands under: {@code [section, content]}. None, or more than one, is an error.
     */
    static String[] block(String markdown, String tag) {
        List<String> lines = markdown.lines().toList();
        String section = "(top)";
        String[] found = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                section = line.substring(3).strip();
            }
            if (!line.strip().equals("```" + tag)) {
                continue;
            }
            if (found != null) {
                throw new IllegalArgumentException("more than one ```" + tag + " block (line " + (i + 1) + ")");
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            found = new String[] {section, String.join("\n", lines.subList(i + 1, end)) + "\n"};
            i = end;
        }
        if (found == null) {
            throw new IllegalArgumentException("no ```" + tag + " block");
        }
        return found;
    }
}
