package io.llmclient.domain.governance;

import static io.llmclient.domain.governance.GovernancePolicyParserTest.ALLOWED;
import static io.llmclient.domain.governance.GovernancePolicyParserTest.BATCH_KEY;
import static io.llmclient.domain.governance.GovernancePolicyParserTest.PLANNER_KEY;
import static io.llmclient.domain.governance.GovernancePolicyParserTest.SOLO_KEY;
import static io.llmclient.domain.governance.GovernancePolicyParserTest.contractPolicy;
import static io.llmclient.domain.governance.GovernancePolicyParserTest.key;
import static io.llmclient.domain.governance.GovernancePolicyParserTest.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GovernancePolicyTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant EXPIRY = Instant.parse("2027-01-31T00:00:00Z");
    private static final String MISSING = "Missing or invalid API key: send Authorization: Bearer <key> or "
            + "x-api-key: <key>";

    private final GovernancePolicy policy = valid(contractPolicy(), List.of("sk-in-1", "sk-in-2"));

    private static String accepted(Authentication authentication) {
        return switch (authentication) {
            case Authentication.Accepted accepted -> accepted.caller().id();
            case Authentication.Rejected rejected -> fail("expected acceptance, got " + rejected.reason());
        };
    }

    private static String rejected(Authentication authentication) {
        return switch (authentication) {
            case Authentication.Accepted accepted -> fail("expected a refusal, got " + accepted.caller().id());
            case Authentication.Rejected rejected -> rejected.reason();
        };
    }

    @Nested
    class AuthOff {
        private final GovernancePolicy open = valid(Map.of(), List.of());

        @Test
        void everyCallerIsAnonymousWithTheServiceAllowList() {
            assertFalse(open.authRequired());
            for (List<String> presented : List.of(List.<String>of(), List.of("anything"), List.of("a", "b"))) {
                var caller = ((Authentication.Accepted) open.authenticate(presented, NOW)).caller();
                assertEquals(Principal.ANONYMOUS, caller.id());
                assertEquals(ALLOWED.models(), caller.principal().allowed().models());
                assertEquals(List.of(), caller.principal().parties());
            }
        }

        @Test
        void theOpenPolicyIsTheSame() {
            assertEquals("anonymous", accepted(GovernancePolicy.open(ALLOWED).authenticate(List.of(), NOW)));
        }
    }

    @Nested
    class AuthOn {

        @Test
        void aConfiguredKeyIsItsPrincipal() {
            assertEquals("planner-prod", accepted(policy.authenticate(List.of(PLANNER_KEY), NOW)));
            assertEquals("solo", accepted(policy.authenticate(List.of(SOLO_KEY), NOW)));
        }

        @Test
        void inboundKeysArePrincipalsInboundNByPositionWithoutLimits() {
            var first = ((Authentication.Accepted) policy.authenticate(List.of("sk-in-1"), NOW)).caller();
            assertEquals("inbound-1", first.id());
            assertEquals(List.of(), first.principal().parties());
            assertEquals(ALLOWED.models(), first.principal().allowed().models());
            assertEquals("inbound-2", accepted(policy.authenticate(List.of("sk-in-2"), NOW)));
        }

        @Test
        void inboundKeysAloneTurnAuthOn() {
            GovernancePolicy inboundOnly = valid(Map.of(), List.of("sk-in-1"));
            assertEquals(MISSING, rejected(inboundOnly.authenticate(List.of(), NOW)));
            assertEquals("inbound-1", accepted(inboundOnly.authenticate(List.of("sk-in-1"), NOW)));
        }

        @Test
        void aMissingKeyIsRejected() {
            assertEquals(MISSING, rejected(policy.authenticate(List.of(), NOW)));
            assertEquals(MISSING, rejected(policy.authenticate(List.of(""), NOW)));
        }

        @Test
        void anUnknownKeyIsRejectedWithTheSameMessage() {
            assertEquals(MISSING, rejected(policy.authenticate(List.of("sk-unknown"), NOW)));
            // The digest itself is not a key.
            assertEquals(MISSING, rejected(policy.authenticate(List.of(GovernancePolicy.sha256(PLANNER_KEY)), NOW)));
        }

        @Test
        void theSameKeyInBothHeadersIsAccepted() {
            assertEquals("planner-prod", accepted(policy.authenticate(List.of(PLANNER_KEY, PLANNER_KEY), NOW)));
        }

        @Test
        void twoDifferentKeysAreRejectedEvenWhenBothAreValid() {
            assertEquals("Authorization and x-api-key carry different keys",
                    rejected(policy.authenticate(List.of(PLANNER_KEY, BATCH_KEY), NOW)));
        }

        @Test
        void aKeyIsUsableUntilJustBeforeItsExpiry() {
            assertEquals("solo", accepted(policy.authenticate(List.of(SOLO_KEY), EXPIRY.minusNanos(1))));
        }

        @Test
        void aKeyIsRejectedAtAndAfterItsExpiry() {
            assertEquals("API key expired", rejected(policy.authenticate(List.of(SOLO_KEY), EXPIRY)));
            assertEquals("API key expired", rejected(policy.authenticate(List.of(SOLO_KEY), EXPIRY.plusSeconds(1))));
        }

        @Test
        void aDisabledKeyIsRejected() {
            var llm = contractPolicy();
            key(llm, 1).put("disabled", true);
            GovernancePolicy disabled = valid(llm, List.of());
            assertEquals("API key disabled", rejected(disabled.authenticate(List.of(BATCH_KEY), NOW)));
            assertEquals("planner-prod", accepted(disabled.authenticate(List.of(PLANNER_KEY), NOW)));
        }

        @Test
        void sha256IsTheLowerCaseHexOfTheUtf8Bytes() {
            assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                    GovernancePolicy.sha256("abc"));
            assertEquals(64, GovernancePolicy.sha256("é").length());
        }
    }
}
