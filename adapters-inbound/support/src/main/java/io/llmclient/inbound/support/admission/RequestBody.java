package io.llmclient.inbound.support.admission;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.inbound.support.body.BodyBudget;
import io.llmclient.inbound.support.body.BoundedBody;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads an HTTP request body within the inbound limit and the body budget, for every surface. A
 * body over the limit is answered here with HTTP 413, one over the budget with 503, each with the
 * surface's own error body, so the limits and their handling exist once.
 *
 * <p>Too large is decided from {@code Content-Length} before a byte is read; a chunked body is
 * read up to the limit plus one byte. After the 413 has been sent, at most 16 MiB more are read
 * and discarded so that a client still writing its body can read the answer (otherwise it sees
 * a reset connection); a larger body, or a client waiting for "100 Continue", gets the
 * connection closed at once.
 *
 * <p>A chunked body whose framing Helidon's decoder refuses (a chunk size that is not
 * hexadecimal or does not fit in 31 bits, such as {@code ffffffffffffffff}; a malformed last
 * chunk) is answered here with HTTP 400, the surface's error body and {@code Connection: close}.
 * Left to Helidon, the exception became a 500 whose error handling first tried to read the rest
 * of the body, waiting on the client until a timeout.
 */
public final class RequestBody {
    private static final System.Logger LOG = System.getLogger(RequestBody.class.getName());
    /** How much of a refused body is read and thrown away so the client can read the 413. */
    private static final long DRAIN_CAP = 16L * 1024 * 1024;

    private final long limit;
    private final BodyBudget budget;
    private final SurfaceRefusals refusals;

    public RequestBody(long limit, BodyBudget budget, SurfaceRefusals refusals) {
        this.limit = limit;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    /**
     * The whole body; empty when there is nothing left to do: the body was refused (too large, or
     * over the body budget) and the refusal in {@code path}'s shape has been sent, or the client
     * went away mid-body. A body whose chunked framing is malformed gets a 400 in {@code path}'s
     * shape, and the connection is closed.
     */
    public Optional<byte[]> read(ServerRequest req, ServerResponse res, String path, String traceId) {
        BoundedBody.Outcome body;
        try (BodyBudget.Share share = budget.share()) {
            body = BoundedBody.read(req.headers().contentLength(), () -> req.content().inputStream(), limit, share);
        } catch (IOException | UncheckedIOException unreadable) {
            // The client went away mid-body, or the read deadline closed the connection.
            LOG.log(System.Logger.Level.DEBUG, "request body unreadable (trace_id {0}): {1}", traceId,
                    unreadable.getClass().getName());
            return Optional.empty();
        } catch (RequestException | IllegalArgumentException | DataReader.IncorrectNewLineException malformed) {
            // Helidon's chunked decoding: its own 400s, and the NumberFormatException of a chunk size
            // over 32 bits (ParserHelper.parseNonNegative lets it through).
            if (malformed instanceof RequestException refused && refused.status() != Status.BAD_REQUEST_400) {
                throw refused;
            }
            // The rest of the body cannot be framed, so it can be neither read nor skipped.
            refusals.send(path, res, traceId, new Refusal.MalformedBody());
            throw new CloseConnectionException("request body framing malformed: connection closed unread");
        }
        return switch (body) {
            case BoundedBody.Outcome.Read read -> Optional.of(read.bytes());
            case BoundedBody.Outcome.TooLarge tooLarge -> {
                refuse(req, res, tooLarge, path, traceId);
                yield Optional.empty();
            }
            case BoundedBody.Outcome.OverBudget ignored -> {
                refusals.send(path, res, traceId, new Refusal.BodyBudgetFull(budget.capacity()));
                // The rest of the body is unread: Helidon would parse it as the next request.
                throw new CloseConnectionException("request body budget full: connection closed unread");
            }
        };
    }

    // The answer goes out before any more of the body is read. A client that writes its whole body
    // before reading (most do) would see a reset connection instead of the 413 if the server closed
    // with unread bytes, so up to DRAIN_CAP more bytes are read and thrown away after answering:
    // a declared length by Helidon itself (keeping the connection), a chunked body here.
    private void refuse(ServerRequest req, ServerResponse res, BoundedBody.Outcome.TooLarge tooLarge, String path,
                        String traceId) {
        long drainCap = Math.max(DRAIN_CAP, limit);
        OptionalLong declared = req.headers().contentLength();
        boolean waitsForContinue = req.headers().contains(HeaderValues.EXPECT_100);
        boolean keepConnection = declared.isPresent() && declared.getAsLong() <= drainCap && !waitsForContinue;
        refusals.send(path, res, traceId, new Refusal.TooLarge(limit, !keepConnection));
        if (tooLarge.rest().isPresent()) {
            try {
                BoundedBody.discard(tooLarge.rest().get(), drainCap);
            } catch (IOException | UncheckedIOException gone) {
                return;
            }
        }
        if (!keepConnection) {
            // Without this Helidon would parse the unread rest of the body as the next request.
            throw new CloseConnectionException("request body over the limit: connection closed unread");
        }
    }
}
