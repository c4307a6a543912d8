package io.gcgan.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
 * </pre>
 *
 * A folder that holds anything is never reused by a new run unless the caller asks to overwrite it, and then
 * only when it looks like a run folder (so a mistyped {@code --out $HOME} deletes nothing).
 */
public final class RunFolder {

    /** The files whose presence marks a folder as a gcgan run folder. */
    private static final List<String> MARKERS = List.of("config.json", "metrics.csv", "checkpoints");

    private final Path root;

    private RunFolder(Path root) {
        this.root = root;
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
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new FolderExistsException(root + " exists and is not a folder; choose another --out");
            }
            if (!isEmpty(root)) {
                if (!overwrite) {
                    throw new FolderExistsException("the run folder " + root + " already exists; continue that run with"
                            + " --resume " + root + ", replace it with --overwrite, or choose another --out");
                }
                if (!isRunFolder(root)) {
                    throw new FolderExistsException(root + " is not empty and is not a gcgan run folder (no "
                            + String.join(", ", MARKERS) + "); --overwrite only replaces run folders");
                }
                AtomicFiles.deleteRecursively(root);
            }
        }
        Files.createDirectories(root.resolve("samples"));
        Files.createDirectories(root.resolve("checkpoints"));
        return new RunFolder(root);
    }

    /** An existing run folder to resume: {@link #read}, with its samples and checkpoints folders made if missing. */
    public static RunFolder open(Path dir) throws IOException {
        RunFolder run = read(dir);
        Files.createDirectories(run.root.resolve("samples"));
        Files.createDirectories(run.root.resolve("checkpoints"));
        return run;
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

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
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

    public Checkpoints checkpoints() {
        return new Checkpoints(root.resolve("checkpoints"));
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
