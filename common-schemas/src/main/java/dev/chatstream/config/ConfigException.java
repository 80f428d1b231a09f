package dev.chatstream.config;

/**
 * A configuration value is wrong. The message is one line that names the variable and says what is
 * wrong; services print it and exit with status {@link #EXIT_STATUS}, without a stack trace.
 */
public final class ConfigException extends RuntimeException {
    /** The exit status of a service that refuses its configuration. */
    public static final int EXIT_STATUS = 2;

    private final String variable;

    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
