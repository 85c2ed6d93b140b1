package io.llmclient.inbound.support.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.domain.money.NanoUsd;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Amounts of money leave the service as plain decimal numbers, however small or large. */
class JsonMoneyTest {
    private final JsonCodec codec = new JsonCodec(1024);

    private String written(NanoUsd amount) {
        var body = codec.nodes().objectNode().set("cost_usd", JsonMoney.of(amount));
        return new String(codec.write(body), StandardCharsets.UTF_8);
    }

    @Test
    void oneNanoDollarIsWrittenPlainNotInExponentNotation() {
        assertEquals("{\"cost_usd\":0.000000001}", written(new NanoUsd(1)));
        assertEquals("{\"cost_usd\":0.0000001}", written(new NanoUsd(100)));
    }

    @Test
    void aCallersOwnNumberStillGoesBackAsItCame() {
        var body = codec.nodes().objectNode().put("id", new java.math.BigDecimal("1E+400"));
        assertEquals("{\"id\":1E+400}", new String(codec.write(body), StandardCharsets.UTF_8));
    }

    @Test
    void wholeAndMixedAmountsKeepOnlyTheDigitsThatMatter() {
        assertEquals("{\"cost_usd\":100}", written(new NanoUsd(100_000_000_000L)));
        assertEquals("{\"cost_usd\":0.0012}", written(new NanoUsd(1_200_000)));
        assertEquals("{\"cost_usd\":0}", written(NanoUsd.ZERO));
    }
}
