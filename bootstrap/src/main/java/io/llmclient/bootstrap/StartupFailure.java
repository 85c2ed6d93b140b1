package io.llmclient.bootstrap;

/**
 * Start-up stopped for a reason the operator must fix (configuration or model policy). The
 * message is the one line printed on stderr; {@link Main} exits with {@link #EXIT_CODE}.
 */
public final class StartupFailure extends RuntimeException {
    /** The process exit code for a refused configuration. */
    public static final int EXIT_CODE = 2;
    private static final long serialVersionUID = 1L;

    public StartupFailure(String line) {
        super(line, null, false, false);
    }
}
