package io.llmclient.application.accounting;

import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import java.util.Optional;

/**
 * The sink a provider streams into, between it and the caller's sink: holds back the provider's
 * {@code Completed} event so that it goes out with the latency measured by the {@link CallReport},
 * reports time to first token once the first delta has been handed on, stops counting provider
 * wait and reports the overhead when the stream is committed, and remembers when the downstream
 * sink threw (its caller went away). The stream is committed (no retry, no fallback) from the
 * first delta, or from an opening the downstream sink passed on.
 */
public final class StreamTracking implements StreamSink {
    private final CallReport report;
    private final RequestTimer timer;
    private final StreamSink downstream;
    private boolean committed;
    private boolean deltaSeen;
    private ChatResponse completed;
    private RuntimeException callerGone;
    private long called;

    StreamTracking(CallReport report, RequestTimer timer, StreamSink downstream) {
        this.report = report;
        this.timer = timer;
        this.downstream = downstream;
    }

    /** Runs one provider call streaming into this sink, its duration counted as provider wait until committed. */
    public void providerCall(Runnable call) {
        called = timer.nanoTime();
        try {
            call.run();
        } finally {
            timer.providerWaited(timer.nanoTime() - called);
        }
    }

    /** Whether something reached the caller: the stream can no longer be retried or sent elsewhere. */
    public boolean committed() {
        return committed;
    }

    /** The provider's final response, once it completed the stream. */
    public Optional<ChatResponse> completed() {
        return Optional.ofNullable(completed);
    }

    /** What the downstream sink threw when its caller went away, if it did. */
    public Optional<RuntimeException> callerGone() {
        return Optional.ofNullable(callerGone);
    }

    @Override
    public void usage(Usage reportedSoFar) {
        report.reported(reportedSoFar);
        downstream.usage(reportedSoFar);
    }

    @Override
    public void accept(StreamEvent event) {
        accept(event, false);
    }

    @Override
    public void accept(StreamEvent event, boolean moreAtHand) {
        switch (event) {
            // A tool-call fragment is output like text: it commits the stream and is its first token.
            case StreamEvent.Delta _, StreamEvent.ToolCallDelta _ -> handOn(event, moreAtHand);
            case StreamEvent.Completed done -> completed = done.response();
            case StreamEvent.Failed failed -> throw new LlmFailureException(failed.failure());
        }
    }

    @Override
    public void flush() {
        if (callerGone != null) {
            throw callerGone;
        }
        try {
            downstream.flush();
        } catch (RuntimeException gone) {
            callerGone = gone;
            throw gone;
        }
    }

    @Override
    public boolean opened() {
        if (callerGone != null) {
            throw callerGone;
        }
        if (committed || deltaSeen) {
            return committed;
        }
        // Counted so far, so that a consumer opening its response now reports the overhead up
        // to this byte; frozen only if it does, else counting goes on to the first delta.
        long now = timer.nanoTime();
        timer.providerWaited(now - called);
        called = now;
        boolean passedOn;
        try {
            passedOn = downstream.opened();
        } catch (RuntimeException gone) {
            callerGone = gone;
            throw gone;
        }
        if (passedOn) {
            timer.freeze();
            committed = true;
            report.overheadSoFar();
        }
        return passedOn;
    }

    private void handOn(StreamEvent delta, boolean moreAtHand) {
        if (callerGone != null) {
            // The provider did not stop at the first exception: keep refusing.
            throw callerGone;
        }
        boolean firstDelta = !deltaSeen;
        deltaSeen = true;
        boolean commits = !committed;
        committed = true;
        if (commits) {
            // The provider wait up to the first byte out is all that counts for a stream's overhead.
            timer.providerWaited(timer.nanoTime() - called);
            timer.freeze();
        }
        try {
            downstream.accept(delta, moreAtHand);
        } catch (RuntimeException gone) {
            callerGone = gone;
            throw gone;
        }
        if (firstDelta) {
            report.firstToken();
        }
        if (commits) {
            report.overheadSoFar();
        }
    }
}
