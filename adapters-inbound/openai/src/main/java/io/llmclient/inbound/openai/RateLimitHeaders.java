package io.llmclient.inbound.openai;

import io.helidon.http.HeaderName;
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
    private static final Names REQUESTS = new Names("requests");
    private static final Names TOKENS = new Names("tokens");

    private RateLimitHeaders() {
    }

    /** A dimension's three header names, made once: they go out on every answer to a limited key. */
    private record Names(HeaderName limit, HeaderName remaining, HeaderName reset) {
        Names(String dimension) {
            this(HeaderNames.create("x-ratelimit-limit-" + dimension),
                    HeaderNames.create("x-ratelimit-remaining-" + dimension),
                    HeaderNames.create("x-ratelimit-reset-" + dimension));
        }
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
        dimension(res, REQUESTS, report.requests());
        dimension(res, TOKENS, report.tokens());
    }

    private static void dimension(ServerResponse res, Names names, Optional<Standing.Window> window) {
        window.ifPresent(standing -> {
            res.header(names.limit(), String.valueOf(standing.limit()));
            res.header(names.remaining(), String.valueOf(standing.remaining()));
            res.header(names.reset(), goDuration(standing.resetAfter()));
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
