package io.gcgan.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints folder of a run: one folder {@code step-NNNNNN} per checkpoint and a {@code latest} file naming
 * the newest complete one.
 *
 * <p>Writing ({@link #write}): the files are written into a hidden temporary folder beside the others, each
 * forced to disk; the folder is then renamed to {@code step-NNNNNN} in one step, and {@code latest} is replaced
 * atomically. A process killed at any moment therefore leaves every {@code step-*} folder complete, and
 * {@code latest} naming one of them (or the previous one). Older checkpoints beyond the {@code keep} newest
 * are deleted afterwards; leftover temporary folders of a killed writer are deleted by the next write.
 *
 * <p>Reading ({@link #latest}): the folder {@code latest} names, or, should that file be missing or stale, the
 * newest {@code step-*} folder.
 */
public final class Checkpoints {

    public static final String LATEST = "latest";
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{6,})");
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The folder name of the checkpoint after {@code step} steps. */
    public static String name(long step) {
        return String.format(Locale.ROOT, "step-%06d", step);
    }

    /** Fills a temporary folder with a checkpoint's files. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path folder) throws IOException;
    }

    /**
     * Writes the checkpoint of {@code step} atomically, points {@code latest} at it and keeps the {@code keep}
     * newest checkpoints.
     *
     * @return the checkpoint's folder
     */
    public Path write(long step, int keep, Contents contents) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep = " + keep + ": at least the newest checkpoint must be kept");
        }
        Files.createDirectories(dir);
        deleteTemporaries();
        // Made with the permissions of any new folder (0777 less the umask), not a temporary folder's 0700.
        Path tmp = Files.createDirectory(dir.resolve(TEMP_PREFIX + name(step) + "-" + AtomicFiles.randomSuffix()));
        Path target = dir.resolve(name(step));
        try {
            contents.writeTo(tmp);
            if (Files.exists(target)) {
                // A checkpoint of this step left by a run that was later resumed from an earlier one: replace it.
                // latest does not name it (it names an earlier step), so no reader is pointed at it meanwhile.
                Path old = dir.resolve(TEMP_PREFIX + "old-" + AtomicFiles.randomSuffix());
                Files.move(target, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.deleteRecursively(old);
            }
            AtomicFiles.moveDirectory(tmp, target);
        } catch (IOException e) {
            AtomicFiles.deleteRecursively(tmp);
            throw AtomicFiles.naming(target, "write the checkpoint", e);
        } catch (RuntimeException e) {
            AtomicFiles.deleteRecursively(tmp);
            throw e;
        }
        AtomicFiles.writeString(dir.resolve(LATEST), name(step) + "\n");
        prune(keep, step);
        return target;
    }

    /** The steps of the complete checkpoints present, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> steps = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return steps;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = STEP_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    steps.add(Long.parseLong(m.group(1)));
                }
            }
        }
        steps.sort(null);
        return steps;
    }

    /** The newest checkpoint folder: the one {@code latest} names, else the highest step; empty if none. */
    public Optional<Path> latest() throws IOException {
        Path pointer = dir.resolve(LATEST);
        try {
            String name = TextFiles.read(pointer).strip();
            if (STEP_DIR.matcher(name).matches() && Files.isDirectory(dir.resolve(name))) {
                return Optional.of(dir.resolve(name));
            }
        } catch (NoSuchFileException e) {
            // fall back to the newest folder
        }
        List<Long> steps = steps();
        return steps.isEmpty() ? Optional.empty() : Optional.of(dir.resolve(name(steps.getLast())));
    }

    /** The checkpoint folder of {@code step}, which must exist. */
    public Path at(long step) throws IOException {
        Path p = dir.resolve(name(step));
        if (!Files.isDirectory(p)) {
            throw new NoSuchFileException(p.toString(), null,
                    "no checkpoint at step " + step + "; present: " + steps());
        }
        return p;
    }

    /** The step a checkpoint folder name encodes. */
    public static long stepOf(Path checkpoint) {
        Matcher m = STEP_DIR.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint folder (step-NNNNNN)");
        }
        return Long.parseLong(m.group(1));
    }

    /** The steps of the complete checkpoints other than {@code checkpoint}, ascending (none if they cannot be read). */
    public List<Long> stepsOtherThan(Path checkpoint) {
        List<Long> others = new ArrayList<>();
        try {
            for (long s : steps()) {
                if (!dir.resolve(name(s)).equals(checkpoint)) {
                    others.add(s);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return others;
    }

    /** Points {@code latest} at the checkpoint of {@code step} (a run resumed from an earlier one). */
    public void pointLatestAt(long step) throws IOException {
        at(step);
        AtomicFiles.writeString(dir.resolve(LATEST), name(step) + "\n");
    }

    private void prune(int keep, long newest) throws IOException {
        List<Long> steps = steps();
        // Keep the newest `keep` up to and including the one just written; later ones (stale, from before a
        // resume) are deleted too, since the run has moved past them on another path.
        List<Long> upTo = new ArrayList<>();
        for (long s : steps) {
            if (s <= newest) {
                upTo.add(s);
            } else {
                AtomicFiles.deleteRecursively(dir.resolve(name(s)));
            }
        }
        for (int i = 0; i < upTo.size() - keep; i++) {
            AtomicFiles.deleteRecursively(dir.resolve(name(upTo.get(i))));
        }
    }

    private void deleteTemporaries() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                AtomicFiles.deleteRecursively(p);
            }
        }
    }
}
