package io.cameldblog.core;

/**
 * A setting of the user's (endpoint option, server configuration, grant) that keeps a consumer from
 * starting. The message always names the cause and the fix, so an operator can act on the log line alone.
 * Consumers do not retry these: retrying cannot help until somebody changes the configuration.
 */
public class DbLogConfigurationException extends RuntimeException {

    private final String fix;

    public DbLogConfigurationException(String cause, String fix) {
        this(cause, fix, null);
    }

    public DbLogConfigurationException(String cause, String fix, Throwable underlying) {
        super(cause + " Fix: " + fix, underlying);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }
}
