package io.llmclient.bootstrap;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures log lines exactly as the stdout appender renders them (same JSON template layout),
 * by attaching a second appender to the root logger for the duration of a test.
 */
public final class CapturedLogs extends AbstractAppender implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Layout<? extends Serializable> layout;

    private CapturedLogs(Layout<? extends Serializable> layout) {
        super("captured", null, layout, true, Property.EMPTY_ARRAY);
        this.layout = layout;
    }

    public static CapturedLogs capture() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        var captured = new CapturedLogs(configuration.getAppender("Stdout").getLayout());
        captured.start();
        configuration.getRootLogger().addAppender(captured, Level.ALL, null);
        context.updateLoggers();
        return captured;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new String(layout.toByteArray(event), StandardCharsets.UTF_8).strip());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
