package io.gcgan.cli;

import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.gan.train.StepMetrics;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainingDivergedException;
import io.gcgan.metrics.ModeCoverage;
import io.gcgan.random.Generator;
import io.gcgan.report.AtomicFiles;
import io.gcgan.report.Checkpoint;
import io.gcgan.report.Checkpoints;
import io.gcgan.report.Json;
import io.gcgan.report.MetricsLog;
import io.gcgan.report.MetricsTable;
import io.gcgan.report.RunFolder;
import io.gcgan.report.RunPlots;
import io.gcgan.report.ScoresLog;
import io.gcgan.report.Samples;
import io.gcgan.report.TextFiles;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code gcgan train} invocation: builds the {@link Experiment}, restores a checkpoint when resuming, runs
 * the steps, and keeps the run folder up to date (metrics row per step, samples and checkpoints on their
 * schedule, charts at each checkpoint and at the end).
 *
 * <p>Stopping: a shutdown hook (Ctrl-C, SIGTERM) asks the loop to stop after the current step, waits for it to
 * write a checkpoint of that step, and only then lets the JVM exit. A kill that runs no hooks (SIGKILL, power
 * loss) leaves the last complete checkpoint, since checkpoints appear atomically.
 */
final class TrainingRun {

    /** Exit status after Ctrl-C / SIGTERM (128 + SIGINT, the shell's convention). */
    static final int EXIT_INTERRUPTED = 130;
    /** Exit status when the losses became NaN or infinite. */
    static final int EXIT_DIVERGED = 3;

    private static final long SHUTDOWN_WAIT_SECONDS = 120;
    private static final int SUMMARY_WINDOW = 50;

    private final TrainSettings settings;
    private RunFolder folder;            // a new run's is created once its experiment is built
    private final Path newFolder;        // a new run: where; null when resuming
    private final boolean overwrite;
    private final Path resumeFrom;
    private final boolean quiet;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<String> commandLine;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private long lastCheckpoint = -1;
    /**
     * With --conv auto on a GPU, its backend: auto's choices go into the run folder's conv-choices.txt with each
     * checkpoint, and a resume takes them back instead of measuring again (measurements can choose differently from
     * run to run). Null otherwise.
     */
    private CudaBackend autoConv;
    private TrainingScores scores; // null without --score-every
    private long lastScored = -1;
    private String lastScore;

    /** Resumes the run in {@code folder} (opened, so locked) from the checkpoint {@code resumeFrom}. */
    TrainingRun(TrainSettings settings, RunFolder folder, Path resumeFrom, boolean quiet, PrintWriter out,
                PrintWriter err, List<String> commandLine) {
        this(settings, folder, null, false, resumeFrom, quiet, out, err, commandLine);
    }

    /**
     * A new run in {@code dir} ({@link RunFolder#checkNew} passed): the folder is created only once the data and the
     * models are built, so that a run that cannot start leaves nothing behind.
     */
    TrainingRun(TrainSettings settings, Path dir, boolean overwrite, boolean quiet, PrintWriter out,
                PrintWriter err, List<String> commandLine) {
        this(settings, null, dir, overwrite, null, quiet, out, err, commandLine);
    }

    private TrainingRun(TrainSettings settings, RunFolder folder, Path newFolder, boolean overwrite, Path resumeFrom,
                        boolean quiet, PrintWriter out, PrintWriter err, List<String> commandLine) {
        this.settings = settings;
        this.folder = folder;
        this.newFolder = newFolder;
        this.overwrite = overwrite;
        this.resumeFrom = resumeFrom;
        this.quiet = quiet;
        this.out = out;
        this.err = err;
        this.commandLine = List.copyOf(commandLine);
    }

    int execute() throws IOException {
        Thread hook = new Thread(this::onShutdown, "gcgan-checkpoint-on-exit");
        boolean hookInstalled = false;
        try {
            DeviceChoice device = DeviceChoice.select(settings.device());
            String cudaSettings = device.applyCudaSettings(settings.conv(), settings.tf32(), settings.capturedSteps());
            // also when quiet: a log should say where it ran
            out.println("device: " + device.summary() + (cudaSettings.isEmpty() ? "" : "; " + cudaSettings));
            out.flush();
            if (device.device().kind() == Device.Kind.CUDA
                    && ConvImplementation.fromName(settings.conv()) == ConvImplementation.AUTO) {
                autoConv = (CudaBackend) Backends.of(device.device());
            }
            Experiment e = Experiment.build(settings, device.device());
            if (folder == null) {
                folder = RunFolder.create(newFolder, overwrite);
            }
            Trainer trainer = e.trainer;
            MetricsLog log;
            if (resumeFrom != null) {
                Checkpoint.Info info;
                try {
                    info = Checkpoint.readInfo(resumeFrom);
                    Checkpoint.load(resumeFrom, e.generator, e.discriminator, e.gOptimizer, e.dOptimizer);
                } catch (IOException bad) {
                    throw new IOException(Main.describe(bad) + TrainCommand.otherCheckpointsHint(folder, resumeFrom),
                            bad);
                }
                trainer.restore(info.state());
                lastCheckpoint = info.state().step();
                importConvChoices();
                log = MetricsLog.openForResume(folder.metrics(), info.state().step());
                ScoresLog.dropAfter(folder.scores(), info.state().step()); // later steps are scored again
                if (settings.steps() > info.state().step()) { // else nothing trains: config.json stays as it is
                    writeConfig(e, device, info.state().step());
                }
                say("resuming " + folder + " from " + folder.root().relativize(resumeFrom) + " (step "
                        + info.state().step() + " of " + settings.steps() + ")");
            } else {
                writeConfig(e, device, -1);
                log = MetricsLog.create(folder.metrics());
                writeSamples(e, 0);
                say("run folder: " + folder);
            }
            say("training " + settings.model() + " on " + e.dataDescription + ": loss " + settings.loss() + ", penalty "
                    + penaltyText() + ", G " + optimizerText(settings.g()) + ", D " + optimizerText(settings.d())
                    + ", batch " + settings.batchSize() + ", " + settings.steps() + " steps");
            if (settings.scoreEvery() > 0) {
                scores = new TrainingScores(settings, e, device.device(), folder);
            }
            Runtime.getRuntime().addShutdownHook(hook);
            hookInstalled = true;
            try (trainer) { // frees the recorded steps (--captured-steps) when the run ends
                return loop(e, log);
            }
        } finally {
            if (hookInstalled) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for `finished`
                }
            }
            if (folder != null) {
                folder.release();
            }
            finished.countDown();
        }
    }

    private int loop(Experiment e, MetricsLog log) throws IOException {
        Trainer trainer = e.trainer;
        long start = trainer.step();
        Progress progress = new Progress(out, quiet, Progress.isTerminal(), settings.steps(), settings.logEvery());
        long t0 = System.nanoTime();
        boolean interrupted = false;
        try (log) {
            if (start >= settings.steps()) {
                say("the run already has " + start + " steps (--steps " + settings.steps()
                        + "); give a larger --steps to extend it");
            }
            while (trainer.step() < settings.steps()) {
                if (stopRequested.get()) {
                    interrupted = true;
                    break;
                }
                StepMetrics m = trainer.trainStep();
                log.append(m);
                progress.step(m);
                long done = trainer.step();
                if (done % settings.sampleEvery() == 0) {
                    safely(progress, () -> writeSamples(e, done));
                }
                if (scores != null && done % settings.scoreEvery() == 0) {
                    safely(progress, () -> score(done));
                }
                if (done % settings.checkpointEvery() == 0) {
                    checkpoint(e, log, done);
                    safely(progress, this::writeCharts);
                }
            }
            interrupted |= stopRequested.get() && trainer.step() < settings.steps();
            progress.finish();
            // The checkpoint first: after Ctrl-C it is what matters; the pictures follow.
            if (trainer.step() != lastCheckpoint) {
                checkpoint(e, log, trainer.step());
            }
        } catch (TrainingDivergedException diverged) {
            progress.finish();
            safely(this::writeCharts);
            long rows = diverged.step();
            err.println("error: " + diverged.getMessage() + ". metrics.csv holds steps 0.." + (rows - 1) + "; "
                    + (lastCheckpoint >= 0 ? "the last checkpoint is " + Checkpoints.name(lastCheckpoint)
                    : "there is no checkpoint yet") + " (" + folder + "). Start a new run with lower learning"
                    + " rates, or with a gradient penalty or a stronger one (a resume keeps the run's options, and its"
                    + " checkpoint may already hold weights on their way to diverging).");
            err.flush();
            return EXIT_DIVERGED;
        }
        long done = trainer.step();
        if (done % settings.sampleEvery() != 0 || done == start) {
            safely(() -> writeSamples(e, done));
        }
        if (scores != null && lastScored != done && done > start && !interrupted) { // a stop request does not wait
            safely(() -> score(done));
        }
        safely(this::copyLatestSamples);
        safely(this::writeCharts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        summary(e, start, done, seconds, interrupted);
        return interrupted ? EXIT_INTERRUPTED : 0;
    }

    private void summary(Experiment e, long start, long done, double seconds, boolean interrupted) throws IOException {
        StringBuilder sb = new StringBuilder();
        long steps = done - start;
        sb.append(interrupted ? "interrupted" : "done").append(String.format(Locale.ROOT,
                ": %d steps in %s (%.2f steps/s)", steps, Progress.duration(seconds), steps / Math.max(seconds, 1e-9)));
        if (Files.isRegularFile(folder.metrics())) {
            MetricsTable t = MetricsTable.read(folder.metrics());
            if (t.rows() > 0) {
                sb.append(String.format(Locale.ROOT, "; mean of the last %d steps: D loss %.4f, G loss %.4f",
                        Math.min(SUMMARY_WINDOW, t.rows()), t.tailMean("d_loss", SUMMARY_WINDOW),
                        t.tailMean("g_loss", SUMMARY_WINDOW)));
            }
        }
        if (e.mixture != null) {
            try (TensorScope scope = TensorScope.open()) {
                ModeCoverage c = ModeCoverage.of(e.trainer.sampleFixed().to(io.gcgan.tensor.Device.CPU), e.mixture);
                sb.append("; ").append(c);
            }
        }
        if (lastScore != null) {
            sb.append("; scores at step ").append(lastScored).append(": ").append(lastScore);
        }
        out.println(sb);
        out.println("run folder: " + folder + " (checkpoint step " + lastCheckpoint + "; loss.png, grad-norms.png, "
                + "samples.png, metrics.csv" + (lastScore != null ? ", scores.csv, scores.png" : "") + ")");
        if (interrupted) {
            out.println("continue with: gcgan train --resume " + folder);
        }
        out.flush();
    }

    // ---- outputs -----------------------------------------------------------------------------------------

    private void writeConfig(Experiment e, DeviceChoice device, long resumedAt) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "gcgan train");
        m.put("args", commandLine);
        m.put("options", settings.toOptions());
        m.put("seed", settings.seed());
        m.put("config_hash", settings.configHash());
        Map<String, Object> dev = new LinkedHashMap<>();
        dev.put("requested", device.requested());
        dev.put("used", device.device().toString());
        dev.put("backend", device.backend());
        dev.put("reason", device.reason());
        m.put("device", dev);
        m.put("versions", Versions.all());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("description", e.dataDescription);
        if (e.trainCount >= 0) {
            data.put("train", e.trainCount);
            data.put("held_out", e.heldOutCount);
        }
        m.put("data", data);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("noise_shape", e.noiseShape);
        model.put("generator_parameters", e.generator.parameterCount());
        model.put("discriminator_parameters", e.discriminator.parameterCount());
        model.put("generator", e.generator.toString());
        model.put("discriminator", e.discriminator.toString());
        m.put("model", model);
        List<Object> history = new ArrayList<>();
        if (resumedAt >= 0 && Files.isRegularFile(folder.config())) {
            Object h = Json.read(folder.config()).get("history");
            if (h instanceof List<?> list) {
                history.addAll(list);
            }
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put(resumedAt >= 0 ? "resumed" : "started", Instant.now().toString());
        if (resumedAt >= 0) {
            event.put("from_step", resumedAt);
        }
        event.put("device", device.device().toString());
        event.put("args", commandLine);
        history.add(event);
        m.put("history", history);
        io.gcgan.report.AtomicFiles.writeString(folder.config(), Json.write(m));
    }

    private void writeSamples(Experiment e, long step) throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            Tensor samples = e.trainer.sampleFixed();
            String title = settings.model() + ", " + settings.loss() + ", step " + step;
            if (e.mixture != null) {
                Samples.writePoints(samples, e.mixture, new Generator(settings.seed() ^ 0x7265616CL), title,
                        folder.sampleFile(step));
            } else {
                Samples.writeImages(samples, folder.sampleFile(step));
            }
        }
    }

    private void score(long step) throws IOException {
        lastScore = scores.score(step);
        lastScored = step;
    }

    private void copyLatestSamples() throws IOException {
        List<Path> files;
        try (var s = Files.list(folder.samplesDir())) {
            files = s.filter(p -> p.getFileName().toString().matches("step-\\d+\\.png")).sorted().toList();
        }
        if (!files.isEmpty()) {
            io.gcgan.report.AtomicFiles.write(folder.latestSamples(), Files.readAllBytes(files.getLast()));
        }
    }

    private void writeCharts() throws IOException {
        RunPlots.writeRunCharts(folder, folder.root().getFileName() + ": " + settings.model() + ", " + settings.loss()
                + (settings.penalty().equals("none") ? "" : " + " + settings.penalty()) + ", G "
                + optimizerText(settings.g()) + ", D " + optimizerText(settings.d()));
    }

    private void checkpoint(Experiment e, MetricsLog log, long step) throws IOException {
        if (log != null) {
            log.sync(); // every step the checkpoint covers has its metrics row on disk
        }
        Checkpoints cps = folder.checkpoints();
        cps.write(step, settings.keep(), dir -> Checkpoint.write(dir, e.generator, e.discriminator, e.gOptimizer,
                e.dOptimizer, e.trainer.state(), settings.configHash(), settings.identity(), Versions.gcgan()));
        lastCheckpoint = step;
        if (autoConv != null) {
            AtomicFiles.writeString(folder.convChoices(), autoConv.exportConvChoices());
        }
    }

    /**
     * A resume with --conv auto on a GPU: takes the choices of the run folder's conv-choices.txt, if it has one. A file
     * that cannot be read or parsed is reported, and auto then measures again.
     */
    private void importConvChoices() {
        Path file = folder.convChoices();
        if (autoConv == null || !Files.exists(file)) {
            return;
        }
        try {
            int n = autoConv.importConvChoices(TextFiles.read(file), file.toString());
            say("conv auto: " + n + " choices from " + folder.root().relativize(file) + " (not measured again)");
        } catch (IOException | IllegalArgumentException ex) {
            err.println("warning: " + Main.describe(ex) + "; conv auto measures every pass again");
            err.flush();
        }
    }

    // ---- stopping ----------------------------------------------------------------------------------------

    private void onShutdown() {
        stopRequested.set(true);
        try {
            if (!finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("gcgan: no checkpoint within " + SHUTDOWN_WAIT_SECONDS + " s of the stop request;"
                        + " the last complete checkpoint stays in " + folder.checkpoints().dir());
            }
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the loop to stop after the current step (as Ctrl-C does). */
    void requestStop() {
        stopRequested.set(true);
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Runs an output step whose failure (a chart, a sample grid) should not end the training: warns instead. */
    private void safely(IoAction a) {
        safely(null, a);
    }

    private void safely(Progress progress, IoAction a) {
        try {
            a.run();
        } catch (IOException | RuntimeException ex) {
            if (progress != null) {
                progress.clear();
            }
            err.println("warning: " + ex.getMessage());
            err.flush();
        }
    }

    private void say(String text) {
        if (!quiet) {
            out.println(text);
            out.flush();
        }
    }

    private String penaltyText() {
        return settings.penalty().equals("none") ? "none"
                : settings.penalty() + " (weight " + TrainSettings.text(settings.penaltyWeight()) + ")";
    }

    static String optimizerText(TrainSettings.NetOptimizer o) {
        StringBuilder sb = new StringBuilder(o.algorithm());
        if (!o.gc().equals("none")) {
            sb.append('+').append(o.gc().toUpperCase(Locale.ROOT));
        }
        sb.append(" lr ").append(TrainSettings.text(o.lr()));
        if (o.algorithm().equals("adam")) {
            sb.append(" betas ").append(TrainSettings.text(o.beta1())).append(',')
                    .append(TrainSettings.text(o.beta2()));
        } else if (o.momentum() > 0) {
            sb.append(" momentum ").append(TrainSettings.text(o.momentum()));
        }
        return sb.toString();
    }
}
