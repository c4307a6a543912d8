package io.gcgan.cli;

/**
 * An option given more than once on one train command line ({@link TrainCommand#refuseRepeatedOptions}): a usage
 * error, which the experiment explains further (a configuration's options and those after -- meet on one line).
 */
public final class RepeatedOptionException extends UsageException {

    private static final long serialVersionUID = 1L;

    public RepeatedOptionException(String message) {
        super(message);
    }
}
