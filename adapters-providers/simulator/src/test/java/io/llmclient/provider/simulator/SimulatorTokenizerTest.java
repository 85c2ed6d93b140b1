package io.llmclient.provider.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTokenizerTest {

    @Test
    void wordsAndEachPunctuationMarkAreTokens() {
        assertEquals(List.of("Hello", ",", " world", "!"), SimulatorTokenizer.pieces("Hello, world!"));
    }

    @Test
    void whiteSpaceTravelsWithTheNextTokenSoPiecesRejoinToTheText() {
        String text = "  two  spaces\tand\na newline  ";
        assertEquals(text, String.join("", SimulatorTokenizer.pieces(text)));
        assertEquals(5, SimulatorTokenizer.count(text));
    }

    @Test
    void digitsAndLettersOfAnyScriptFormOneWord() {
        assertEquals(List.of("gpt4", " été", " 東京"), SimulatorTokenizer.pieces("gpt4 été 東京"));
    }

    @Test
    void emptyAndBlankTextHaveNoTokens() {
        assertEquals(0, SimulatorTokenizer.count(""));
        assertEquals(0, SimulatorTokenizer.count("   "));
    }

    @Test
    void aHyphenatedWordIsThreeTokens() {
        assertEquals(3, SimulatorTokenizer.count("JSON-RPC"));
    }
}
