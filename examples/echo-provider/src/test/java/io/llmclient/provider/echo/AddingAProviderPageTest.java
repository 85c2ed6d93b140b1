package io.llmclient.provider.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/adding-a-provider.md shows this module's files in fenced blocks tagged
 * {@code file=<path from the repository root>}. Each block must be that file, byte for byte, and
 * every main file of the module must be shown: the page is the module, so it cannot drift.
 */
class AddingAProviderPageTest {
    private static final Path ROOT = Path.of("..", "..");
    private static final Path PAGE = ROOT.resolve("docs/adding-a-provider.md");
    private static final Pattern BLOCK = Pattern.compile("(?m)^```\\w+ file=(\\S+)\\n(.*?)^```$", Pattern.DOTALL);

    private static Map<String, String> shownFiles() throws IOException {
        var shown = new LinkedHashMap<String, String>();
        Matcher m = BLOCK.matcher(Files.readString(PAGE));
        while (m.find()) {
            shown.put(m.group(1), m.group(2));
        }
        return shown;
    }

    @Test
    void everyFileShownOnThePageIsTheFileInThisModule() throws IOException {
        Map<String, String> shown = shownFiles();
        assertTrue(shown.size() >= 5, () -> "file blocks found: " + shown.keySet());
        shown.forEach((path, text) -> {
            try {
                assertEquals(Files.readString(ROOT.resolve(path)), text, path);
            } catch (IOException e) {
                throw new AssertionError("the page shows " + path + ", which does not exist", e);
            }
        });
    }

    @Test
    void thePageShowsEveryMainFileOfTheModule() throws IOException {
        List<String> mainFiles;
        try (Stream<Path> files = Files.walk(Path.of("src", "main"))) {
            mainFiles = files.filter(Files::isRegularFile)
                    .map(p -> "examples/echo-provider/" + p.toString().replace('\\', '/')).sorted().toList();
        }
        Map<String, String> shown = shownFiles();
        assertTrue(shown.keySet().containsAll(mainFiles), () -> "not shown: " + mainFiles.stream()
                .filter(f -> !shown.containsKey(f)).toList());
        assertTrue(shown.containsKey("examples/echo-provider/pom.xml"), "the pom is shown");
    }
}
