package io.llmclient.application.archfixture;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Breaks "no logging framework in domain or application": the core logs through System.Logger. */
public final class ApplicationLogsWithLog4j {
    private ApplicationLogsWithLog4j() {
    }

    public static Logger logger() {
        return LogManager.getLogger(ApplicationLogsWithLog4j.class);
    }
}
