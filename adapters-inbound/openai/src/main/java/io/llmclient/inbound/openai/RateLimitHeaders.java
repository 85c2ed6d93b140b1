package io.llmclient.inbound.openai;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.governance.QuotaReport;
import io.llmclient.application.governance.Standing;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI's {@code x-ratelimit-*} headers for a principal with {@code rpm} or {@code tpm} (contract
 * sections 10 and 14): per dimension the values of whichever of key and team has fewer remaining,
 * resets as Go-style durations ({@code 1s}, {@code 6m0s}, {@code 12ms}) as OpenAI sends them.
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    /** Whether the principal has a window whose headers every answer carries. */
    static boolean apply(Principal principal) {
        for (LimitedParty party : principal.parties()) {
            if (party.limits().rpm().isPresent() || party.limits().tpm().isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** Sets the headers of each configured dimension. */
    static void write(ServerResponse res, Principal principal, List<Standing> standings) {
        QuotaReport report = QuotaReport.of(principal, standings);
        dimension(res, "requests", report.requests());
        dimension(res, "tokens", report.tokens());
    }

    private static void dimension(ServerResponse res, String name, Optional<Standing.Window> window) {
        window.ifPresent(standing -> {
            res.header(HeaderNames.create("x-ratelimit-limit-" + name), String.valueOf(standing.limit()));
            res.header(HeaderNames.create("x-ratelimit-remaining-" + name), String.valueOf(standing.remaining()));
            res.header(HeaderNames.create("x-ratelimit-reset-" + name), goDuration(standing.resetAfter()));
        });
    }

    /** A duration as Go's {@code time.Duration.String} writes it, to the millisecond. */
    static String goDuration(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
        var text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(seconds);
        if (fraction > 0) {
            String digits = String.format("%03d", fraction);
            text.append('.').append(digits.replaceAll("0+$", ""));
        }
        return text.append('s').toString();
    }
}
