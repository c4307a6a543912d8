package io.gcgan.data;

import java.io.IOException;

/**
 * A data file that cannot be used as asked: corrupt (bad magic number, unsupported IDX type, bad gzip data,
 * an undecodable image), truncated or longer than its header says, or not matching its partner (an images
 * file and a labels file with different counts). The message starts with the file (both files for a
 * mismatch) and says what is wrong, with the expected and actual values.
 *
 * <p>It is a checked {@link IOException}, like the I/O failures of the same calls: a bad file is a condition
 * of the environment that a caller is expected to report, not a bug.
 */
public class DataFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /** {@code file} is the path or resource name as it should appear in the message. */
    public DataFileException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public DataFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file (path or resource name) the problem is in; for a mismatch, the first of the two. */
    public String file() {
        return file;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }
}
