package io.gcgan.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files and folders that appear whole or not at all. A file is written to a temporary name in its target's
 * folder, forced to disk, and renamed onto the target ({@code rename(2)}, atomic on one file system); then the
 * folder itself is forced so that the rename survives a crash. A reader, and a process killed at any moment,
 * sees the old content or the new one, never a part.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code target} atomically (replacing it if present). The file gets the permissions of
     * any new file (0666 less the umask), not a temporary file's 0600. An error names {@code target}.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            createDirectories(dir);
            tmp = dir.resolve("." + target.getFileName() + "." + randomSuffix() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            move(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw naming(target, "write", e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        forceDirectory(dir);
    }

    /**
     * {@link Files#createDirectories}, except that a file where a folder is needed (--out notes.txt/run) is named:
     * the JDK reports the folder it could not make ("Not a directory") or the file as "already exists".
     */
    public static void createDirectories(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                break;
            }
            if (Files.exists(p)) {
                throw new NotDirectoryException(p.toString());
            }
        }
        Files.createDirectories(dir);
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own error is the one to report
            }
        }
    }

    /** A random name part for temporary files and folders. */
    public static String randomSuffix() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /**
     * {@code e} if its message names a file already (a {@link FileSystemException} with a file), else an
     * IOException that says what was done to which file ("cannot write F: No space left on device").
     */
    public static IOException naming(Path file, String verb, IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            if (f.getFile().equals(file.toString())) {
                return e;
            }
            // another file (the temporary file beside it, a parent folder): say what could not be done to which
            return new IOException("cannot " + verb + " " + file + ": " + describe(f), e);
        }
        return new IOException("cannot " + verb + " " + file + ": " + e.getMessage(), e);
    }

    /**
     * What went wrong with a file, in words: "permission denied: /x/y" (the exception's own reason where it has one),
     * for messages. {@code getMessage()} of these exceptions is often the bare path.
     */
    public static String describe(FileSystemException f) {
        String what = switch (f) {
            case NoSuchFileException x -> "no such file or folder";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException x -> "not a folder";
            case DirectoryNotEmptyException x -> "folder not empty";
            default -> "file system error";
        };
        return what + ": " + f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "")
                + (f.getReason() != null ? " (" + f.getReason() + ")" : "");
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Renames the folder {@code source} (complete, its files already forced) onto {@code target}, which must not
     * exist, in one step; then forces the parent folder.
     */
    public static void moveDirectory(Path source, Path target) throws IOException {
        forceDirectory(source);
        move(source, target);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " onto " + to + " atomically (" + e.getMessage()
                    + "); the run folder must be on a file system with atomic renames", e);
        }
    }

    /** Forces a folder's entries (new names, renames) to disk, where the platform allows opening a folder. */
    public static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can open or sync a folder; the files themselves are already forced.
        }
    }

    /** Deletes a folder and everything in it (no error if it is absent). */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            var paths = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
