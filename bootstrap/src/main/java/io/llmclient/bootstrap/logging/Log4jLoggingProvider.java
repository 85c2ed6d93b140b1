package io.llmclient.bootstrap.logging;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is set up: Log4j configures itself from {@code log4j2.xml}, and
 * JUL and System.Logger are routed into it. Without a provider Helidon prints a plain-text
 * notice on stderr at start-up; Helidon's own Log4j module is not used because there is
 * nothing for it to do here.
 */
public final class Log4jLoggingProvider implements LoggingProvider {

    @Override
    public void initialization() {
        // Nothing to do: Log4j reads log4j2.xml on first use.
    }

    @Override
    public void runTime() {
        // Nothing to do: there is no native-image build-time configuration to redo.
    }
}
