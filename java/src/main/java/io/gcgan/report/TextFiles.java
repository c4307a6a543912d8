package io.gcgan.report;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run folder's text files (config.json, metrics.csv, scores.csv, checkpoints/latest, trainer.json), read as
 * UTF-8. A file that is not UTF-8 text (binary junk appended, a file replaced by an image) is reported by name,
 * instead of as the decoder's "Input length = 1", and so is a folder in the file's place.
 */
public final class TextFiles {

    private TextFiles() {
    }

    /** The whole of {@code file} as UTF-8 text. */
    public static String read(Path file) throws IOException {
        requireNotFolder(file);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw notText(file, e);
        }
    }

    /** The lines of {@code file}, UTF-8 text. */
    public static List<String> readLines(Path file) throws IOException {
        requireNotFolder(file);
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw notText(file, e);
        }
    }

    /** A folder would fail the read with "Is a directory", naming nothing. */
    private static void requireNotFolder(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder, not a text file");
        }
    }

    private static IOException notText(Path file, CharacterCodingException e) {
        return new IOException(file + " is not UTF-8 text (a damaged or replaced file): " + e.getMessage(), e);
    }
}
