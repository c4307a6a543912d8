package io.gcgan.cli;

import io.gcgan.report.Checkpoint;
import io.gcgan.report.Checkpoints;
import io.gcgan.report.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code RUN|CHECKPOINT} argument and {@code --step} option of {@code gcgan sample} and {@code gcgan score} (a
 * picocli mixin): a checkpoint folder ({@code runs/NAME/checkpoints/step-N}), or a run folder, meaning its
 * checkpoint after {@code --step N} or, without it, its latest.
 */
final class CheckpointArgument {

    @Parameters(index = "0", paramLabel = "RUN|CHECKPOINT",
            description = "A run folder (its latest checkpoint, or --step) or a checkpoint folder.")
    Path source;

    @Option(names = "--step", paramLabel = "N", description = "The run's checkpoint after N steps. Default: the "
            + "latest.")
    Long step;

    /** The checkpoint folder that the argument (and --step) names. */
    Path resolve() throws IOException {
        if (step != null) {
            Check.range("--step", step, 0, Long.MAX_VALUE);
        }
        if (Files.isRegularFile(source.resolve(Checkpoint.TRAINER))) {
            if (step != null) {
                throw new UsageException("--step goes with a run folder; " + source + " is a checkpoint folder");
            }
            return source;
        }
        if (Files.isRegularFile(source)) {
            throw new UsageException(source + " is a file; give a run folder (runs/NAME) or a checkpoint folder"
                    + " (runs/NAME/checkpoints/step-N)");
        }
        Path parent = source.toAbsolutePath().normalize().getParent();
        if (Files.isDirectory(source) && source.toAbsolutePath().normalize().endsWith("checkpoints") && parent != null
                && RunFolder.isRunFolder(parent)) {
            throw new UsageException(source + " holds a run's checkpoints; give the run folder (" + parent + ") or one"
                    + " checkpoint in it (" + source.resolve("step-N") + ")");
        }
        RunFolder run = RunFolder.read(source);
        Checkpoints cps = run.checkpoints();
        if (step != null) {
            return cps.at(step);
        }
        return cps.latest().orElseThrow(() -> new UsageException(source + " has no checkpoint yet ("
                + cps.dir() + " is empty)"));
    }
}
