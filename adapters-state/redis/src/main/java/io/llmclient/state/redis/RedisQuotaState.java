package io.llmclient.state.redis;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.Grant;
import io.llmclient.application.governance.QuotaState;
import io.llmclient.application.governance.Standing;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The quota state shared by all replicas, on Redis (or Valkey): each step of a request is one Lua
 * script, run atomically by the server on its own clock ({@code TIME}), so that several replicas
 * admit exactly what one would. Every key is {@code <prefix>{<slot>}:...}: the hash tag is the
 * party's slot (the team id, else the key id; contract section 14), so that a key and its team live
 * in one Redis Cluster slot and one script checks them together. A party's rpm and tpm windows are
 * one hash of one-second buckets with running totals (decision 44): every step costs the same
 * whatever the window holds, an entry counts for 60 to 61 s, and the hash expires 62 s after the
 * first write of its last second. In-flight counts expire {@code inFlightTtl} after their last
 * admission (a replica that died holding places gives them back by expiry), spend of a period a day
 * after the period's end; only {@code total} spend is kept for ever. Budget periods are named from the caller's {@code now}.
 * Admitting ahead ({@link #admitSeveral}) counts the requests granted in the current second's bucket
 * and in-flight count; those given back leave them again.
 * Failures are {@link io.llmclient.application.state.StateUnavailableException}s ({@link RedisStore}).
 * See docs/decisions.md sections 31, 32, 43, 44 and 47.
 */
public final class RedisQuotaState implements QuotaState {
    /** The prefix of every key unless another is given. */
    public static final String DEFAULT_PREFIX = "llm:";

    // A period's spend outlives the period's end by this much, for replicas whose clocks lag.
    private static final long SPEND_GRACE_MILLIS = 86_400_000L;

    private static final BudgetPeriod[] PERIODS = BudgetPeriod.values();

    // A charge's id is remembered this long: replays of one outage come within it.
    private static final long CHARGE_ID_TTL_MILLIS = 7L * 86_400_000L;

    // A settlement's id is remembered this long (one key per request): a settlement whose answer was
    // lost is charged again when the store answers, which for a stall or a restart comes within it.
    // Two minutes of requests' ids cost about what the rpm windows hold already.
    private static final long SETTLEMENT_ID_TTL_MILLIS = 120_000L;

    // Requests admitted ahead are handed out this long before Redis's second that counted them ends
    // (admit.lua counts them in the next second when under 200 ms of the current one are left).
    private static final long GRANT_MARGIN_MILLIS = 50;

    private final String prefix;
    private final String inFlightTtlMillis;
    private final RedisStore.Script admit;
    private final RedisStore.Script settle;
    private final RedisStore.Script standings;
    private final RedisStore.Script charge;
    private final RedisStore.Script giveBack;

    /**
     * The quota state on {@code store}.
     *
     * @param store       the connection to Redis, shared with the other kinds of shared state
     * @param prefix      put before every key, such as {@link #DEFAULT_PREFIX}
     * @param inFlightTtl how long an in-flight count outlives its last admission; longer than the
     *                    longest request, as it is what a dead replica's places are held for
     */
    public RedisQuotaState(RedisStore store, String prefix, Duration inFlightTtl) {
        Objects.requireNonNull(store, "store");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (inFlightTtl.isNegative() || inFlightTtl.isZero()) {
            throw new IllegalArgumentException("the in-flight TTL must be positive");
        }
        this.inFlightTtlMillis = Long.toString(inFlightTtl.toMillis());
        this.admit = store.script("common.lua", "admit.lua");
        this.settle = store.script("common.lua", "settle.lua");
        this.standings = store.script("common.lua", "standings.lua");
        this.charge = store.script("common.lua", "charge.lua");
        this.giveBack = store.script("common.lua", "giveback.lua");
    }

    @Override
    public Admission admit(List<LimitedParty> parties, Instant now) {
        return admitSeveral(parties, 1, now).admission();
    }

    @Override
    public Grant admitSeveral(List<LimitedParty> parties, int wanted, Instant now) {
        if (wanted < 1) {
            throw new IllegalArgumentException("an admission asks for at least one request, not " + wanted);
        }
        return admitting(parties, wanted, now);
    }

    @Override
    public Grant admitAhead(List<LimitedParty> parties, int wanted, Instant now) {
        if (wanted < 2) {
            throw new IllegalArgumentException("ahead means at least two requests, not " + wanted);
        }
        return admitting(parties, -wanted, now);
    }

    // The admit script; a negative number asks for requests ahead only (admit.lua).
    private Grant admitting(List<LimitedParty> parties, int wanted, Instant now) {
        if (parties.isEmpty()) {
            return Grant.single(Admission.Admitted.unlimited());
        }
        var keys = new ArrayList<String>(6 * parties.size());
        var args = new ArrayList<String>(2 + 4 * parties.size());
        args.add(inFlightTtlMillis);
        args.add(Integer.toString(parties.size()));
        for (LimitedParty party : parties) {
            addWindowKeys(keys, party, now);
            Limits limits = party.limits();
            args.add(orAbsent(limits.rpm()));
            args.add(orAbsent(limits.tpm()));
            args.add(orAbsent(limits.maxParallel()));
            args.add(limits.budget().map(budget -> Long.toString(budget.limit().nanos())).orElse("-1"));
        }
        args.add(Integer.toString(wanted));
        return admit.run(keys, args, reply -> grant((List<?>) reply, parties, now));
    }

    // The requests admitted beyond the asking one are handed out within the second of Redis's clock
    // that counted them, less a margin for the step's way back and the replica's own delays.
    private Grant grant(List<?> reply, List<LimitedParty> parties, Instant now) {
        Admission admission = admission(reply, parties, now);
        int tail = 1 + 6 * parties.size();
        if (!(admission instanceof Admission.Admitted) || number(reply.get(tail)) == 0) {
            return Grant.single(admission);
        }
        return new Grant(admission, (int) number(reply.get(tail)),
                Duration.ofMillis(number(reply.get(tail + 1)) - GRANT_MARGIN_MILLIS), number(reply.get(tail + 2)));
    }

    @Override
    public void giveBack(List<LimitedParty> parties, Grant grant, int unused) {
        if (unused < 1) {
            throw new IllegalArgumentException("at least one request is given back, not " + unused);
        }
        var keys = new ArrayList<String>(2 * parties.size());
        var args = new ArrayList<String>(3 + parties.size());
        args.add(Integer.toString(parties.size()));
        args.add(Integer.toString(unused));
        args.add(Long.toString(grant.countedIn()));
        for (LimitedParty party : parties) {
            String base = partyKey(party);
            keys.add(base + ":window");
            keys.add(base + ":inflight");
            Limits limits = party.limits();
            String counted = (limits.rpm().isPresent() ? "r" : "") + (limits.maxParallel().isPresent() ? "p" : "");
            args.add(counted.isEmpty() ? "-" : counted);
        }
        giveBack.run(keys, args);
    }

    private Admission admission(List<?> reply, List<LimitedParty> parties, Instant now) {
        if (number(reply.get(0)) == 1) {
            var standings = new ArrayList<Standing>(parties.size());
            for (int i = 0; i < parties.size(); i++) {
                int at = 1 + 6 * i;
                LimitedParty party = parties.get(i);
                standings.add(standing(party, reply, at, spend(party, reply.get(at + 5), now)));
            }
            return new Admission.Admitted(standings, (tokens, cost, at) -> settle(parties, tokens, cost, at));
        }
        LimitedParty party = parties.get((int) number(reply.get(1)) - 1);
        String limit = text(reply.get(2));
        return new Admission.Refused(switch (limit) {
            case "rpm" -> new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.RPM,
                    Optional.of(Duration.ofMillis(number(reply.get(3)))));
            case "tpm" -> new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.TPM,
                    Optional.of(Duration.ofMillis(number(reply.get(3)))));
            case "max_parallel" -> new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.MAX_PARALLEL, Optional.empty());
            case "budget" -> {
                Budget budget = party.limits().budget().orElseThrow();
                yield new LlmFailure.BudgetExceeded(party.id(), budget.limit(),
                        new NanoUsd(Long.parseLong(text(reply.get(3)))), budget.period(), budget.period().resetsAt(now));
            }
            default -> throw new IllegalStateException("the admit script refused by an unknown limit: " + limit);
        });
    }

    @Override
    public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
        settle(parties, 1, tokens, cost, now, Optional.empty());
    }

    @Override
    public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                       String settlementId) {
        if (calls < 1) {
            throw new IllegalArgumentException("a settlement settles at least one call, not " + calls);
        }
        settle(parties, calls, tokens, cost, now, Optional.of(settlementId));
    }

    private void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                        Optional<String> id) {
        if (parties.isEmpty()) {
            return;
        }
        var keys = new ArrayList<String>(1 + 6 * parties.size());
        var args = new ArrayList<String>(8 + parties.size());
        args.add(Integer.toString(parties.size()));
        args.add(Integer.toString(calls));
        args.add(Long.toString(Math.max(0, tokens)));
        args.add(Long.toString(Math.max(0, cost.nanos())));
        for (BudgetPeriod period : PERIODS) {
            period.resetsAt(now).ifPresent(end -> args.add(Long.toString(end.toEpochMilli() + SPEND_GRACE_MILLIS)));
        }
        for (LimitedParty party : parties) {
            String base = partyKey(party);
            keys.add(base + ":window");
            keys.add(base + ":inflight");
            for (BudgetPeriod period : PERIODS) {
                keys.add(spendKey(party, period, now));
            }
        }
        for (LimitedParty party : parties) {
            args.add(settled(party.limits()));
        }
        // The marker a charge of the same id finds (charge's own key), so that it adds nothing.
        id.ifPresent(settlementId -> {
            keys.add(slotKey(parties) + ":charge:" + settlementId);
            args.add(Long.toString(SETTLEMENT_ID_TTL_MILLIS));
        });
        settle.run(keys, args);
    }

    @Override
    public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
        if (parties.isEmpty()) {
            return;
        }
        var keys = new ArrayList<String>(1 + PERIODS.length * parties.size());
        keys.add(slotKey(parties) + ":charge:" + chargeId);
        for (LimitedParty party : parties) {
            for (BudgetPeriod period : PERIODS) {
                keys.add(spendKey(party, period, at));
            }
        }
        var args = new ArrayList<String>(5);
        args.add(Long.toString(Math.max(0, cost.nanos())));
        args.add(Long.toString(CHARGE_ID_TTL_MILLIS));
        for (BudgetPeriod period : PERIODS) {
            period.resetsAt(at).ifPresent(end -> args.add(Long.toString(end.toEpochMilli() + SPEND_GRACE_MILLIS)));
        }
        charge.run(keys, args);
    }

    @Override
    public List<Standing> standings(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return List.of();
        }
        var keys = new ArrayList<String>(6 * parties.size());
        for (LimitedParty party : parties) {
            addWindowKeys(keys, party, now);
        }
        return standings.run(keys, List.of(Integer.toString(parties.size())),
                reply -> standingsOf((List<?>) reply, parties, now));
    }

    private static List<Standing> standingsOf(List<?> reply, List<LimitedParty> parties, Instant now) {
        var result = new ArrayList<Standing>(parties.size());
        for (int i = 0; i < parties.size(); i++) {
            int at = 6 * i;
            LimitedParty party = parties.get(i);
            result.add(standing(party, reply, at, spend(party, reply.get(at + 5), now)));
        }
        return result;
    }

    private static Optional<Standing.Spend> spend(LimitedParty party, Object spent, Instant now) {
        return party.limits().budget().map(budget -> new Standing.Spend(budget.limit(),
                new NanoUsd(Long.parseLong(text(spent))), budget.period(), budget.period().resetsAt(now)));
    }

    // The six keys of a party that admit and standings read: its window (rpm and tpm), the rpm
    // window, tpm window and tpm running sum of versions before decision 44 (counted while they
    // last), in-flight count, spend of its budget's current period (of total when it has no budget:
    // a key of its slot never read).
    private void addWindowKeys(List<String> keys, LimitedParty party, Instant now) {
        String base = partyKey(party);
        keys.add(base + ":window");
        keys.add(base + ":rpm");
        keys.add(base + ":tpm");
        keys.add(base + ":tpm-sum");
        keys.add(base + ":inflight");
        keys.add(spendKey(party, party.limits().budget().map(Budget::period).orElse(BudgetPeriod.TOTAL), now));
    }

    private static Standing standing(LimitedParty party, List<?> reply, int at, Optional<Standing.Spend> spend) {
        Limits limits = party.limits();
        long requests = number(reply.get(at));
        long requestsReset = number(reply.get(at + 1));
        long tokens = number(reply.get(at + 2));
        long tokensReset = number(reply.get(at + 3));
        long inFlight = number(reply.get(at + 4));
        return new Standing(party,
                limits.rpm().map(rpm -> new Standing.Window(rpm, Math.max(0, rpm - requests),
                        Duration.ofMillis(requestsReset))),
                limits.tpm().map(tpm -> new Standing.Window(tpm, Math.max(0, tpm - tokens),
                        Duration.ofMillis(tokensReset))),
                limits.maxParallel().map(max -> new Standing.InFlight(max, inFlight)), spend);
    }

    private String slotKey(List<LimitedParty> parties) {
        return prefix + "{" + parties.getFirst().slot() + "}";
    }

    private String partyKey(LimitedParty party) {
        return prefix + "{" + party.slot() + "}:" + party.kind().name().toLowerCase(Locale.ROOT) + ":" + party.id();
    }

    private String spendKey(LimitedParty party, BudgetPeriod period, Instant now) {
        return prefix + "{" + party.slot() + "}:spend:" + party.kind().name().toLowerCase(Locale.ROOT) + ":"
                + party.id() + ":" + period.periodName(now);
    }

    // What settling touches of a party (settle.lua): its window's tokens, its in-flight count (only a
    // party with a max-parallel limit counts its calls in flight), both, or neither.
    private static String settled(Limits limits) {
        String touched = (limits.tpm().isPresent() ? "t" : "") + (limits.maxParallel().isPresent() ? "p" : "");
        return touched.isEmpty() ? "-" : touched;
    }

    private static String orAbsent(Optional<Long> limit) {
        return limit.map(value -> Long.toString(value)).orElse("-1");
    }

    private static long number(Object value) {
        return value instanceof Long number ? number : Long.parseLong(text(value));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
