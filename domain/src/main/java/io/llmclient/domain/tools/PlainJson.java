package io.llmclient.domain.tools;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, unmodifiable copies of JSON values held as plain Java values (maps, lists, strings,
 * numbers, booleans, null). Order is kept, since schemas are passed on to providers as given,
 * and JSON nulls are kept, which {@code Map.copyOf} would refuse.
 */
final class PlainJson {
    private PlainJson() {
    }

    /** A copy of a JSON object; throws {@link IllegalArgumentException} for a value JSON cannot hold. */
    static Map<String, Object> object(Map<String, ?> value) {
        var copy = new LinkedHashMap<String, Object>();
        value.forEach((key, member) -> copy.put(key, value(member)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object value(Object value) {
        return switch (value) {
            case null -> null;
            case String text -> text;
            case Boolean flag -> flag;
            case Integer _, Long _, Short _, Byte _, Double _, Float _, BigInteger _, BigDecimal _ -> value;
            case Map<?, ?> map -> object(keyed(map));
            case List<?> list -> {
                var copy = new ArrayList<Object>(list.size());
                list.forEach(item -> copy.add(value(item)));
                yield Collections.unmodifiableList(copy);
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        };
    }

    private static Map<String, ?> keyed(Map<?, ?> map) {
        var keyed = new LinkedHashMap<String, Object>();
        map.forEach((key, member) -> {
            if (!(key instanceof String name)) {
                throw new IllegalArgumentException("JSON object keys are strings, got " + key);
            }
            keyed.put(name, member);
        });
        return keyed;
    }
}
