package io.gcgan.nn;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that cannot be read as asked: malformed (bad header length, bad JSON, unknown dtype,
 * offsets that overlap, leave gaps or run past the end of a truncated file) or not matching the module it is
 * loaded into (missing or unexpected names, another dtype or shape). The message starts with the file.
 *
 * <p>It is a checked {@link IOException}, like the I/O failures of the same calls: a bad file is an
 * environmental condition a caller (resuming from a checkpoint, say) is expected to handle, not a bug.
 * Bad arguments to the writer (a name {@code __metadata__}, a non-integral value for an I64 entry) throw
 * {@link IllegalArgumentException} instead.
 */
public class SafeTensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public SafeTensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file the problem is in. */
    public Path file() {
        return file;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }
}
