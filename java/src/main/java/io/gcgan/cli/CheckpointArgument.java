package io.gcgan.cli;

import io.gcgan.report.Checkpoint;
import io.gcgan.report.Checkpoints;
import io.gcgan.report.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code RUN|CHECKPOINT} argument of {@code gcgan sample} and {@code gcgan score}: a checkpoint folder
 * ({@code runs/NAME/checkpoints/step-N}), or a run folder, meaning its checkpoint after {@code --step N} or, without
 * it, its latest.
 */
final class CheckpointArgument {

    private CheckpointArgument() {
    }

    /** The checkpoint folder that {@code source} (and {@code step}, or null) names. */
    static Path resolve(Path source, Long step) throws IOException {
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
        RunFolder run = RunFolder.read(source);
        Checkpoints cps = run.checkpoints();
        if (step != null) {
            return cps.at(step);
        }
        return cps.latest().orElseThrow(() -> new UsageException(source + " has no checkpoint yet ("
                + cps.dir() + " is empty)"));
    }
}
