package io.llmclient.application.state;

/**
 * The connection to the store the replicas share (Redis), as far as its health goes: the link
 * pings it to learn when it answers again after a failure.
 */
@FunctionalInterface
public interface StateStore {

    /**
     * Returns when the store answers and accepts writes.
     *
     * @throws StateUnavailableException when it does not
     */
    void ping();
}
