package io.llmclient.domain.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Breaks "no Jackson in domain or application" (and with it "domain depends on the JDK only"). */
public final class DomainParsesJson {
    private DomainParsesJson() {
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper();
    }
}
