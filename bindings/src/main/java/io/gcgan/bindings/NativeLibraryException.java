package io.gcgan.bindings;

import java.util.List;

/**
 * A native library could not be loaded. The message names the library, then every place that was tried and
 * why each one failed, so that the first line of a stack trace is enough to fix the set-up. The underlying
 * errors are attached as suppressed exceptions.
 */
public final class NativeLibraryException extends RuntimeException {

    private final String library;
    private final List<String> attempts;

    /**
     * @param library  what was being loaded, e.g. "libopenblas"
     * @param attempts one line per place tried: "where: why it failed"
     * @param hint     what the user can do about it (may be null)
     * @param causes   the underlying errors, attached as suppressed exceptions (the first is also the cause)
     */
    public NativeLibraryException(String library, List<String> attempts, String hint, List<? extends Throwable> causes) {
        super(format(library, attempts, hint), causes.isEmpty() ? null : causes.getFirst());
        this.library = library;
        this.attempts = List.copyOf(attempts);
        for (int i = 1; i < causes.size(); i++) {
            addSuppressed(causes.get(i));
        }
    }

    /** A fresh exception with this one's message and causes, for rethrowing a remembered failure. */
    public NativeLibraryException(NativeLibraryException remembered) {
        super(remembered.getMessage(), remembered);
        this.library = remembered.library;
        this.attempts = remembered.attempts;
    }

    /** The library that failed to load. */
    public String library() {
        return library;
    }

    /** One line per place tried, in order: "where: why it failed". */
    public List<String> attempts() {
        return attempts;
    }

    private static String format(String library, List<String> attempts, String hint) {
        StringBuilder sb = new StringBuilder("could not load ").append(library);
        if (attempts.isEmpty()) {
            sb.append(": nothing to try");
        } else {
            sb.append("; tried ").append(attempts.size()).append(attempts.size() == 1 ? " place:" : " places:");
            for (int i = 0; i < attempts.size(); i++) {
                sb.append("\n  ").append(i + 1).append(". ").append(attempts.get(i));
            }
        }
        if (hint != null && !hint.isEmpty()) {
            sb.append("\n").append(hint);
        }
        return sb.toString();
    }
}
