package io.gcgan.cli;

/**
 * A command-line value that cannot be used: an unknown name (the message lists the valid ones), a value out of
 * range (the message gives the value and the range), or options that do not fit together. The command prints
 * the message and exits with status 2, as picocli does for unparseable input. ({@link RepeatedOptionException}
 * is the one kind a caller tells apart.)
 */
public class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
