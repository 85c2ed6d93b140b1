package io.llmclient.inbound.support.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class RandomIdsTest {
    @Test
    void aUuidIsAVersion4UuidOfTheRfcVariantAndReadsBackAsOne() {
        for (int i = 0; i < 1_000; i++) {
            String text = RandomIds.uuid();
            UUID parsed = UUID.fromString(text);
            assertEquals(4, parsed.version(), text);
            assertEquals(2, parsed.variant(), text);
            assertEquals(text, parsed.toString());
        }
    }

    @Test
    void hexIsThirtyTwoLowerCaseDigitsOfAVersion4Uuid() {
        for (int i = 0; i < 1_000; i++) {
            String hex = RandomIds.hex();
            assertTrue(hex.matches("[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}"), hex);
        }
    }

    @Test
    void idsDrawnOnManyThreadsDoNotRepeat() throws Exception {
        var ids = Collections.synchronizedSet(new HashSet<String>());
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 100; t++) {
                threads.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        ids.add(RandomIds.uuid());
                    }
                });
            }
        }
        assertEquals(100_000, ids.size());
    }
}
