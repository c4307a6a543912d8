package io.gcgan.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder of one training run:
 *
 * <pre>
 *   config.json          every resolved option, the seed, versions, the device
 *   metrics.csv          one row per step (StepMetrics)
 *   loss.png             D and G loss against the iteration
 *   grad-norms.png       gradient norms against the iteration
 *   samples/step-NNNNNN.png   the fixed noise through G after NNNNNN steps; samples.png: the last of them
 *   checkpoints/step-NNNNNN/  weights, optimizer state, trainer state (see {@link Checkpoint}); checkpoints/latest
 *   conv-choices.txt     with --conv auto on a GPU: the conv implementation auto chose per pass, for a resume
 * </pre>
 *
 * A folder that holds anything is never reused by a new run unless the caller asks to overwrite it, and then
 * only when it looks like a run folder (so a mistyped {@code --out $HOME} deletes nothing).
 *
 * <p>A run folder opened to train in ({@link #create}, {@link #open}) is locked until {@link #release}: an exclusive
 * lock on the file {@code .lock} (held by the process, released by the system when it ends however it ends), so that
 * a second process refuses to train in it instead of interleaving its writes with the first one's. On a file system
 * without locks the folder is used unlocked.
 */
public final class RunFolder {

    /** The files whose presence marks a folder as a gcgan run folder. */
    private static final List<String> MARKERS = List.of("config.json", "metrics.csv", "checkpoints");

    /** The lock file; it stays when the lock is released, and alone it does not make a folder non-empty. */
    private static final String LOCK = ".lock";

    /**
     * Everything gcgan writes at the top of a run folder: {@code --overwrite} deletes a folder's content only when it
     * holds nothing else (but {@link AtomicFiles}' temporary files, ".NAME.HEX.tmp", which a crash can leave, and
     * {@link #SYSTEM_FILES}).
     */
    private static final Set<String> RUN_ENTRIES = Set.of("config.json", "metrics.csv", "loss.png", "grad-norms.png",
            "scores.csv", "scores.png", "samples", "samples.png", "checkpoints", "conv-choices.txt", LOCK);
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]+\\.tmp");
    /** What file browsers and file systems leave in a folder someone looked at: not the user's files either. */
    private static final Pattern SYSTEM_FILES =
            Pattern.compile("\\.DS_Store|Thumbs\\.db|desktop\\.ini|\\._.*|\\.nfs.*");

    private final Path root;
    private FileChannel lockChannel; // null: not locked (read only)

    private RunFolder(Path root) {
        this.root = root;
    }

    /** Thrown when another process trains in the run folder. */
    public static final class InUseException extends IOException {
        private static final long serialVersionUID = 1L;

        InUseException(String message) {
            super(message);
        }
    }

    /** Thrown when a new run would reuse a folder that is not empty. */
    public static final class FolderExistsException extends IOException {
        private static final long serialVersionUID = 1L;

        FolderExistsException(String message) {
            super(message);
        }
    }

    /**
     * A folder for a new run: created when absent; an empty folder is used as it is. A folder with content is
     * refused unless {@code overwrite}, which deletes a previous run folder first (and still refuses a folder
     * that is not one).
     */
    public static RunFolder create(Path dir, boolean overwrite) throws IOException {
        Path root = checkNew(dir, overwrite);
        RunFolder run = new RunFolder(root);
        if (Files.isDirectory(root)) {
            run.lock(); // before deleting: another process may be training in it
            if (overwrite && !isEmpty(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    for (Path p : s.filter(p -> !p.getFileName().toString().equals(LOCK)).toList()) {
                        AtomicFiles.deleteRecursively(p);
                    }
                }
            }
        } else {
            try {
                AtomicFiles.createDirectories(root);
            } catch (IOException e) {
                throw AtomicFiles.naming(root, "create the run folder", e);
            }
            run.lock();
        }
        Files.createDirectories(root.resolve("samples"));
        Files.createDirectories(root.resolve("checkpoints"));
        return run;
    }

    /**
     * Checks that {@link #create} can make a new run in {@code dir}, without changing anything (a command checks this
     * first, and creates the folder once the run's data and models are built): the absolute folder.
     */
    public static Path checkNew(Path dir, boolean overwrite) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new FolderExistsException(root + " exists and is not a folder; choose another --out");
            }
            if (!isEmpty(root)) {
                if (!isRunFolder(root)) { // neither --resume nor --overwrite takes it: say so, whichever was given
                    throw new FolderExistsException(root + " is not empty and is not a gcgan run folder (no "
                            + String.join(", ", MARKERS) + "); " + (overwrite ? "--overwrite only replaces run folders"
                            : "choose another --out"));
                }
                if (!overwrite) {
                    throw new FolderExistsException("the run folder " + root + " already exists; continue that run with"
                            + " --resume " + root + ", replace it with --overwrite, or choose another --out");
                }
                List<String> foreign = foreignEntries(root);
                if (!foreign.isEmpty()) {
                    throw new FolderExistsException(root + " holds " + describeEntries(foreign) + ", which gcgan does"
                            + " not write in a run folder; --overwrite deletes only run folders that hold nothing else:"
                            + " move them, or choose another --out");
                }
            }
        }
        return root;
    }

    /**
     * An existing run folder to resume, locked: {@link #read}, with its samples and checkpoints folders made if
     * missing.
     */
    public static RunFolder open(Path dir) throws IOException {
        RunFolder run = read(dir);
        run.lock();
        Files.createDirectories(run.root.resolve("samples"));
        Files.createDirectories(run.root.resolve("checkpoints"));
        return run;
    }

    /** Takes the folder's lock, or throws {@link InUseException} naming the process that holds it. */
    private void lock() throws IOException {
        Path file = root.resolve(LOCK);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException noLocks) {
            ch.close(); // a file system without locks (some network mounts): train unguarded rather than not at all
            return;
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder;
            try {
                holder = Files.readString(file).strip();
            } catch (IOException e) {
                holder = "";
            }
            ch.close();
            throw new InUseException("the run folder " + root + " is in use by another gcgan process"
                    + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait until it ends, or stop it (Ctrl-C saves"
                    + " a checkpoint) and resume");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        lockChannel = ch;
    }

    /** Releases the lock taken by {@link #create} or {@link #open} (nothing for a folder only read). Idempotent. */
    public void release() {
        FileChannel ch = lockChannel;
        lockChannel = null;
        if (ch != null) {
            try {
                ch.close(); // releases the lock
            } catch (IOException ignored) {
                // the lock goes with the process at the latest
            }
        }
    }

    /** An existing run folder, to read from (nothing in it is created or changed). */
    public static RunFolder read(Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null, "no such run folder");
        }
        if (!isRunFolder(root)) {
            throw new IOException(root + " is not a gcgan run folder (it has none of " + String.join(", ", MARKERS)
                    + ")");
        }
        return new RunFolder(root);
    }

    /** Whether {@code dir} holds any of a run folder's marker files. */
    public static boolean isRunFolder(Path dir) {
        return MARKERS.stream().anyMatch(m -> Files.exists(dir.resolve(m)));
    }

    /** The names of {@code dir}'s entries that gcgan does not write at the top of a run folder, sorted. */
    private static List<String> foreignEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !RUN_ENTRIES.contains(n) && !TEMPORARY.matcher(n).matches()
                            && !SYSTEM_FILES.matcher(n).matches())
                    .sorted()
                    .toList();
        }
    }

    /** "notes.txt" or "notes.txt, src and 3 more". */
    private static String describeEntries(List<String> names) {
        int shown = Math.min(names.size(), 3);
        String head = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? head + " and " + (names.size() - shown) + " more" : head;
    }

    /** Whether {@code dir} holds nothing but perhaps a lock file left by an earlier run. */
    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(p -> p.getFileName().toString().equals(LOCK));
        }
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve("config.json");
    }

    public Path metrics() {
        return root.resolve("metrics.csv");
    }

    public Path lossPlot() {
        return root.resolve("loss.png");
    }

    public Path gradNormPlot() {
        return root.resolve("grad-norms.png");
    }

    /** scores.csv: one row per score of G ({@code gcgan train --score-every}); see {@link ScoresLog}. */
    public Path scores() {
        return root.resolve("scores.csv");
    }

    public Path scoresPlot() {
        return root.resolve("scores.png");
    }

    public Path samplesDir() {
        return root.resolve("samples");
    }

    /** samples/step-NNNNNN.png: the fixed samples after {@code step} generator steps. */
    public Path sampleFile(long step) {
        return samplesDir().resolve(String.format(Locale.ROOT, "step-%06d.png", step));
    }

    /** samples.png: a copy of the latest sample grid. */
    public Path latestSamples() {
        return root.resolve("samples.png");
    }

    /**
     * conv-choices.txt: {@code --conv auto}'s choice per conv pass on a GPU, written with each checkpoint and read back
     * by a resume ({@code CudaBackend.exportConvChoices}), so that the run continues with the same implementations.
     */
    public Path convChoices() {
        return root.resolve("conv-choices.txt");
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(root.resolve("checkpoints"));
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
