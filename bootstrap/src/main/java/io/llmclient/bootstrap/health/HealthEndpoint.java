package io.llmclient.bootstrap.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.provider.Availability;
import io.llmclient.domain.chat.ProviderId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /health}: HTTP 200 and {@code "status":"UP"} while the server serves, with one
 * check per provider ({@code UP}/{@code DOWN}, {@code data.available}, {@code data.reason}), then
 * the checks of the service's own parts (the audit trail) in the same shape.
 * Not Helidon's health feature: it turns the whole answer into 503 / DOWN when any check is
 * DOWN, and a provider without a key is not the service being down (contract section 9); nor is
 * a full audit disk, which the service survives while it keeps answering.
 */
public final class HealthEndpoint implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ProviderId> providers;
    private final Function<ProviderId, Availability> availability;
    private final List<Part> parts;

    /** One check per listed provider, each asked for its availability on every request. */
    public HealthEndpoint(List<ProviderId> providers, Function<ProviderId, Availability> availability) {
        this(providers, availability, List.of());
    }

    /** One check per listed provider, then one per part; each asked for its availability on every request. */
    public HealthEndpoint(List<ProviderId> providers, Function<ProviderId, Availability> availability,
                          List<Part> parts) {
        this.providers = List.copyOf(providers);
        this.availability = Objects.requireNonNull(availability, "availability");
        this.parts = List.copyOf(parts);
    }

    /** A part of the service that is not a provider, such as the audit trail: its check's name and state. */
    public record Part(String name, Supplier<Availability> availability) {
        public Part {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(availability, "availability");
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", this::health);
    }

    /** The body as the contract shapes it. */
    public Report report() {
        var checks = new ArrayList<Check>();
        providers.forEach(id -> checks.add(check(id.value(), availability.apply(id))));
        parts.forEach(part -> checks.add(check(part.name(), part.availability().get())));
        return new Report("UP", checks);
    }

    private static Check check(String name, Availability state) {
        return new Check(name, state.available() ? "UP" : "DOWN", new Data(state.available(), state.reason()));
    }

    private void health(ServerRequest request, ServerResponse response) throws JsonProcessingException {
        response.header(HeaderValues.CONTENT_TYPE_JSON)
                .header(HeaderValues.CACHE_NO_CACHE)
                .send(JSON.writeValueAsBytes(report()));
    }

    /** The whole answer. */
    public record Report(String status, List<Check> checks) {
        public Report {
            checks = List.copyOf(checks);
        }
    }

    /** One provider's or part's check. */
    public record Check(String name, String status, Data data) {
    }

    /** Why a check is what it is. */
    public record Data(boolean available, String reason) {
    }
}
