package io.llmclient.inbound.support.body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import io.llmclient.domain.money.NanoUsd;

/**
 * An amount of money as a JSON number written plainly: {@code 0.0000001}, not the {@code 1E-7}
 * that a {@link java.math.BigDecimal} below a millionth would give. Only money is written so: a
 * caller's own numbers (a JSON-RPC id such as {@code 1E+400}) go back as they came.
 */
public final class JsonMoney {
    private JsonMoney() {
    }

    /** The amount in dollars, every digit exact, no exponent. */
    public static JsonNode of(NanoUsd amount) {
        return JsonNodeFactory.instance.rawValueNode(new RawValue(amount.usd().toPlainString()));
    }
}
