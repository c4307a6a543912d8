package io.gcgan.cli;

import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.report.Checkpoint;
import io.gcgan.report.Json;
import io.gcgan.report.RunFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gcgan train}: options, their defaults and checks, and resume. The training itself is {@link TrainingRun}.
 *
 * <p>The defaults are the README's main job: the mnist28 DCGAN on the embedded MNIST digits, non-saturating loss
 * with the zero-centred R1 penalty (gamma 1), Adam with Gradient Centralization ("GC": conv and fully connected
 * weights) for G and D, lr 1e-3, betas (0.5, 0.999), batch 32, 1200 steps: recognisable digits in about five
 * minutes on two CPU cores. Measured on 600-1200-step runs: gamma 10 held D back so much that G learned slowly,
 * no penalty gave collapsed grid patterns, lr 2e-4 (the DCGAN paper's) needs several times the steps, and at a
 * fixed budget of time batch 32 (twice the steps) drew cleaner digits than batch 64.
 */
@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
        description = "Trains a GAN and writes a run folder: config.json, metrics.csv, loss.png, grad-norms.png, "
                + "samples/, checkpoints/. With no options: the study's default on the embedded MNIST digits "
                + "(non-saturating loss + R1 penalty, Adam with Gradient Centralization), on the GPU when there "
                + "is one, else on the CPU. Ctrl-C saves a checkpoint; --resume continues a run.",
        footer = {"", "Examples:",
            "  gcgan train                      # the main job: MNIST, ~5 min on 2 CPU cores",
            "  gcgan train --optimizer sgd --gc gc --lr 0.01 --out runs/sgd-gc",
            "  gcgan train --data 8gaussians --loss wgan --penalty wgan-gp --n-critic 5",
            "  gcgan train --resume runs/sgd-gc --steps 4000    # extend a run to 4000 steps"})
final class TrainCommand implements Callable<Integer> {

    /** --score-samples for dcgan64 when not given: its sliced Wasserstein distance costs seconds per thousand. */
    static final int DCGAN64_SCORE_SAMPLES = 1024;

    static final String DEFAULT_LOSS = GanLosses.NSGAN;
    static final String DEFAULT_PENALTY = "r1";
    static final String DEFAULT_OPTIMIZER = "adam";
    static final String DEFAULT_GC = "gc";
    static final String DEFAULT_LR = "1e-3";
    static final String DEFAULT_BETAS = "0.5,0.999";
    static final String DEFAULT_STEPS = "1200";
    static final String DEFAULT_BATCH = "32";

    @Spec
    CommandLine.Model.CommandSpec spec;

    static final class DataOptions {
        @Option(names = "--model", paramLabel = "NAME", defaultValue = "auto",
                description = "Network pair: mnist28 (DCGAN for 1x28x28), dcgan64 (PyTorch DCGAN example, "
                        + "3x64x64), mlp "
                        + "(4-layer MLPs for 2-D points), or auto: the one that fits --data. Default: "
                        + "${DEFAULT-VALUE}.")
        String model;

        @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "mnist",
                description = "mnist (the 10,000 digits embedded in gcgan), 8gaussians, 25gaussians, or a PATH: an IDX "
                        + "image file, a folder with MNIST's train-*-ubyte(.gz) files, or a folder of PNG/JPEG "
                        + "images (resized to the model's size). Default: ${DEFAULT-VALUE}.")
        String data;

        @Option(names = "--held-out", paramLabel = "N", defaultValue = "0",
                description = "Images set aside as held-out real data for the score gap (D on training vs held-out "
                        + "data). 0 = min(1000, a tenth of the data). Default: ${DEFAULT-VALUE}.")
        int heldOut;

        @Option(names = "--mlp-width", paramLabel = "N", defaultValue = "512",
                description = "Hidden units per layer of the mlp model. Default: ${DEFAULT-VALUE}.")
        int mlpWidth;

        @Option(names = "--d-batchnorm", arity = "0..1", defaultValue = "false", paramLabel = "BOOL",
                description = "BatchNorm in dcgan64's D, as the PyTorch example (it couples the samples that "
                        + "a gradient "
                        + "penalty treats as independent). Default: ${DEFAULT-VALUE}.")
        boolean dBatchNorm;
    }

    static final class LossOptions {
        @Option(names = "--loss", paramLabel = "NAME", defaultValue = DEFAULT_LOSS,
                description = "gan (saturating), nsgan (non-saturating), wgan, loss-sensitive, gls-gan, lsgan (least "
                        + "squares), hinge. Default: ${DEFAULT-VALUE}.")
        String loss;

        @Option(names = "--penalty", paramLabel = "NAME", defaultValue = DEFAULT_PENALTY,
                description = "Gradient penalty on D: none; wgan-gp (lambda E(||grad D(x^)|| - 1)^2 at interpolates); "
                        + "zero-centred (lambda E||grad D(x^)||^2 at interpolates, 0-GP); r1 ((gamma/2) E||grad "
                        + "D(x)||^2 at real data); r2 (the same at G(z)). Default: ${DEFAULT-VALUE}.")
        String penalty;

        @Option(names = "--penalty-weight", paramLabel = "W",
                description = "lambda (wgan-gp, zero-centred) or gamma (r1, r2), in [0, 1e6]. Default: 10 (wgan-gp, "
                        + "zero-centred), 1 (r1, r2).")
        Double penaltyWeight;

        @Option(names = "--one-sided", arity = "0..1", defaultValue = "false", paramLabel = "BOOL",
                description = "Penalise only gradient norms above the centre (wgan-gp). Default: ${DEFAULT-VALUE}.")
        boolean oneSided;

        @Option(names = "--clip", paramLabel = "C",
                description = "wgan: clip D's weights to [-C, C] after each D step, in [0, 10], 0 = off. "
                        + "Default: 0.01 without a penalty, 0 with one.")
        Double clip;

        @Option(names = "--nu", paramLabel = "NU",
                description = "gls-gan: slope nu <= 1 of C(a) = max(a, nu a) (0 = LS-GAN, 1 = WGAN-like). Required.")
        Double nu;

        @Option(names = "--ls-gamma", paramLabel = "G", defaultValue = "0",
                description = "loss-sensitive, gls-gan: weight of E L(x), >= 0. Default: ${DEFAULT-VALUE}.")
        double lsGamma;

        @Option(names = "--ls-lambda", paramLabel = "L", defaultValue = "1",
                description = "loss-sensitive, gls-gan: weight of the margin term, > 0. Default: ${DEFAULT-VALUE}.")
        double lsLambda;

        @Option(names = "--ls-tau", paramLabel = "T", defaultValue = "2e-4",
                description = "loss-sensitive, gls-gan: margin scale tau, >= 0. Default: ${DEFAULT-VALUE}.")
        double lsTau;

        @Option(names = "--ls-distance", paramLabel = "NAME", defaultValue = "l1-sum",
                description = "loss-sensitive, gls-gan: distance in the margin, l1-sum or l1-mean. Default: "
                        + "${DEFAULT-VALUE}.")
        String lsDistance;

        @Option(names = "--ls-output", paramLabel = "NAME", defaultValue = "relu",
                description = "loss-sensitive, gls-gan: D's output to L >= 0: relu, softplus, identity. Default: "
                        + "${DEFAULT-VALUE}.")
        String lsOutput;

        @Option(names = "--lsgan-targets", paramLabel = "A,B,C", defaultValue = "0,1,1",
                description = "lsgan: targets a (D on fakes), b (D on reals), c (G). Default: ${DEFAULT-VALUE}.")
        String lsganTargets;
    }

    static final class OptimizerOptions {
        @Option(names = "--optimizer", paramLabel = "NAME",
                description = "Optimizer of G and D: sgd, adam, rmsprop. Default: " + DEFAULT_OPTIMIZER + ".")
        String optimizer;

        @Option(names = "--g-optimizer", paramLabel = "NAME", description = "G's optimizer (overrides --optimizer).")
        String gOptimizer;

        @Option(names = "--d-optimizer", paramLabel = "NAME", description = "D's optimizer (overrides --optimizer).")
        String dOptimizer;

        @Option(names = "--gc", paramLabel = "MODE",
                description = "Gradient Centralization inside the optimizer of G and D: none; gcc (conv weights);"
                        + " gc (conv and fully connected weights). Default: " + DEFAULT_GC + ".")
        String gc;

        @Option(names = "--g-gc", paramLabel = "MODE", description = "G's GC mode (overrides --gc).")
        String gGc;

        @Option(names = "--d-gc", paramLabel = "MODE", description = "D's GC mode (overrides --gc).")
        String dGc;

        @Option(names = "--lr", paramLabel = "LR", description = "Learning rate of G and D, in (0, 10]. Default: "
                + DEFAULT_LR + ".")
        Double lr;

        @Option(names = "--g-lr", paramLabel = "LR", description = "G's learning rate (overrides --lr).")
        Double gLr;

        @Option(names = "--d-lr", paramLabel = "LR", description = "D's learning rate (overrides --lr; TTUR).")
        Double dLr;

        @Option(names = "--betas", paramLabel = "B1,B2",
                description = "Adam's betas for G and D, each in [0, 1). Default: " + DEFAULT_BETAS + ".")
        String betas;

        @Option(names = "--g-betas", paramLabel = "B1,B2", description = "G's Adam betas (overrides --betas).")
        String gBetas;

        @Option(names = "--d-betas", paramLabel = "B1,B2", description = "D's Adam betas (overrides --betas).")
        String dBetas;

        @Option(names = "--momentum", paramLabel = "M",
                description = "Momentum of sgd and rmsprop for G and D, in [0, 1). Default: 0.9 (sgd), 0 (rmsprop).")
        Double momentum;

        @Option(names = "--g-momentum", paramLabel = "M", description = "G's momentum (overrides --momentum).")
        Double gMomentum;

        @Option(names = "--d-momentum", paramLabel = "M", description = "D's momentum (overrides --momentum).")
        Double dMomentum;

        @Option(names = "--sgd-form", paramLabel = "FORM", defaultValue = "pytorch",
                description = "sgd momentum: pytorch (buf = m buf + g; w -= lr buf) or thesis (Algorithm 1: "
                        + "buf = m buf "
                        + "+ (1 - m) g from 0). Default: ${DEFAULT-VALUE}.")
        String sgdForm;

        @Option(names = "--weight-decay", paramLabel = "L",
                description = "Weight decay of G and D, in [0, 1]. Default: 0.")
        Double weightDecay;

        @Option(names = "--g-weight-decay", paramLabel = "L", description = "G's weight decay (overrides "
                + "--weight-decay).")
        Double gWeightDecay;

        @Option(names = "--d-weight-decay", paramLabel = "L", description = "D's weight decay (overrides "
                + "--weight-decay).")
        Double dWeightDecay;

        @Option(names = "--weight-decay-mode", paramLabel = "MODE", defaultValue = "coupled",
                description = "coupled (g + lambda w, centred with the gradient: thesis eq. 4-7) or decoupled (AdamW). "
                        + "Default: ${DEFAULT-VALUE}.")
        String weightDecayMode;

        @Option(names = "--gc-tconv", paramLabel = "HOW", defaultValue = "input-channel",
                description = "How GC centres transposed-conv weights [in, out, kh, kw]: input-channel (along dim 0, "
                        + "the official code) or output-filter. Default: ${DEFAULT-VALUE}.")
        String gcTconv;
    }

    static final class ScheduleOptions {
        @Option(names = "--steps", paramLabel = "N", defaultValue = DEFAULT_STEPS,
                description = "Generator steps (iterations) in all, in [1, 1e9]. Default: ${DEFAULT-VALUE}.")
        long steps;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = DEFAULT_BATCH,
                description = "Samples per D and per G update, in [1, 65536] (mlp) or [2, 65536] (mnist28, dcgan64:"
                        + " BatchNorm). Default: ${DEFAULT-VALUE}.")
        int batchSize;

        @Option(names = "--n-critic", paramLabel = "N", defaultValue = "1",
                description = "D updates per G update, in [1, 1000]. Default: ${DEFAULT-VALUE}.")
        int nCritic;

        @Option(names = "--wgan-schedule", arity = "0..1", defaultValue = "false", paramLabel = "BOOL",
                description = "100 D updates for the first 25 and every 500th G step (WGAN paper). Default: "
                        + "${DEFAULT-VALUE}.")
        boolean wganSchedule;

        @Option(names = "--generator-noise", paramLabel = "MODE", defaultValue = TrainSettings.DEFAULT_GENERATOR_NOISE,
                description = "fresh: the G update draws a new noise batch (WGAN paper, Algorithm 1); reuse: it "
                        + "reuses the last D update's samples, whose G forward is recorded for it (PyTorch's DCGAN "
                        + "example; one G forward per step). Default: ${DEFAULT-VALUE}.")
        String generatorNoise;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
                description = "Seeds initialization, data order, noise and penalty draws, >= 0. Default: "
                        + "${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32",
                description = "float32 or float64. Default: ${DEFAULT-VALUE}.")
        String dtype;

        @Option(names = "--diagnostics-every", paramLabel = "N", defaultValue = "10",
                description = "Compute D's input-gradient norms and the score gap every N steps (costs one extra D "
                        + "forward/backward). Default: ${DEFAULT-VALUE}.")
        int diagnosticsEvery;

        @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
                description = "auto (the GPU if CUDA can run, else the CPU), cpu, cuda or cuda:N. Default: "
                        + "${DEFAULT-VALUE}.")
        String device;

        @Option(names = "--conv", paramLabel = "IMPL", defaultValue = TrainSettings.DEFAULT_CONV,
                description = "On a CUDA device: own (gcgan's conv kernels), gemm (gcgan's im2col with cuBLAS GEMMs),"
                        + " cudnn, or auto (the fastest per layer and pass, measured once: with --captured-steps on the"
                        + " device alone, as a captured step runs). Default: ${DEFAULT-VALUE}.")
        String conv;

        @Option(names = "--tf32", arity = "0..1", defaultValue = "false", paramLabel = "BOOL",
                description = "On a CUDA device: let float32 convolutions and matmuls use TF32 tensor cores (10-bit "
                        + "mantissa products). Default: ${DEFAULT-VALUE}.")
        boolean tf32;

        @Option(names = "--captured-steps", arity = "0..1", defaultValue = "false", paramLabel = "BOOL",
                description = "Run each kind of step once as written, then record its updates' backend calls and "
                        + "replay them (CUDA graphs on a CUDA device): the same results without the host's work per "
                        + "op. On the CPU it saves nothing and holds every intermediate of a recorded update in "
                        + "memory. Default: ${DEFAULT-VALUE}.")
        boolean capturedSteps;
    }

    static final class OutputOptions {
        @Option(names = "--out", paramLabel = "DIR",
                description = "Run folder. Default: runs/<date>-<time>-<model>-<loss>[-<penalty>].")
        Path out;

        @Option(names = "--overwrite", description = "Replace an existing run folder given with --out.")
        boolean overwrite;

        @Option(names = "--resume", paramLabel = "DIR",
                description = "Continue the run in DIR from its latest checkpoint; only --steps (to extend the "
                        + "run), --device, --conv, --tf32, --captured-steps, --keep, --checkpoint-every, "
                        + "--sample-every, --score-every, --score-samples, --log-every, --quiet may change.")
        Path resume;

        @Option(names = "--from-step", paramLabel = "N",
                description = "With --resume: continue from the checkpoint after N steps instead of the latest (after a"
                        + " divergence, or when the latest is damaged); the run then goes on from there, and its later"
                        + " checkpoints and metrics rows are replaced.")
        Long fromStep;

        @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "250",
                description = "Checkpoint every N steps (and at the end, and on Ctrl-C). Default: ${DEFAULT-VALUE}.")
        int checkpointEvery;

        @Option(names = "--keep", paramLabel = "K", defaultValue = "2",
                description = "Keep the K newest checkpoints, in [1, 1000]. Default: ${DEFAULT-VALUE}.")
        int keep;

        @Option(names = "--sample-every", paramLabel = "N", defaultValue = "250",
                description = "Write a sample grid of the fixed noise every N steps (and at the end). Default: "
                        + "${DEFAULT-VALUE}.")
        int sampleEvery;

        @Option(names = "--score-every", paramLabel = "N", defaultValue = "0",
                description = "Score G every N steps and at the end, as gcgan score does, into scores.csv and"
                        + " scores.png: mnist28 runs the digit scores (FD, classifier score, digits covered), dcgan64 runs"
                        + " the sliced Wasserstein distance, 2-D runs the mode coverage; 0 = never. Default:"
                        + " ${DEFAULT-VALUE}.")
        int scoreEvery;

        @Option(names = "--score-samples", paramLabel = "N",
                description = "Samples per score, in [2, 1000000] (the same noise every time). Default: "
                        + TrainSettings.DEFAULT_SCORE_SAMPLES + ", dcgan64 " + DCGAN64_SCORE_SAMPLES + ".")
        Integer scoreSamples;

        @Option(names = "--fixed-samples", paramLabel = "N",
                description = "Samples in the fixed-noise grid, in [1, 4096]. Default: 64 (images), 1000 (points).")
        Integer fixedSamples;

        @Option(names = "--quiet", description = "No progress output (the final summary and errors only).")
        boolean quiet;

        @Option(names = "--log-every", paramLabel = "N", defaultValue = "0",
                description = "Without a terminal: a progress line every N steps; 0 = every 10 seconds. Default: "
                        + "${DEFAULT-VALUE}.")
        int logEvery;
    }

    @ArgGroup(validate = false, heading = "%nModel and data:%n", order = 1)
    DataOptions dataOptions = new DataOptions();

    @ArgGroup(validate = false, heading = "%nLoss and gradient penalty:%n", order = 2)
    LossOptions lossOptions = new LossOptions();

    @ArgGroup(validate = false, heading = "%nOptimizers (--x sets G and D; --g-x, --d-x one of them):%n", order = 3)
    OptimizerOptions optimizerOptions = new OptimizerOptions();

    @ArgGroup(validate = false, heading = "%nSchedule and device:%n", order = 4)
    ScheduleOptions scheduleOptions = new ScheduleOptions();

    @ArgGroup(validate = false, heading = "%nRun folder and output:%n", order = 5)
    OutputOptions outputOptions = new OutputOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.", order = 100)
    boolean help;

    @Override
    public Integer call() throws Exception {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        refuseRepeatedOptions(parsed);
        OutputOptions o = outputOptions;
        Check.nonEmptyPath("--out", o.out);
        Check.nonEmptyPath("--resume", o.resume);
        if (o.fromStep != null) {
            Check.range("--from-step", o.fromStep, 0, Long.MAX_VALUE);
        }
        if (o.fromStep != null && o.resume == null) {
            throw new UsageException("--from-step goes with --resume");
        }
        if (o.resume != null) {
            if (o.out != null) {
                throw new UsageException("--resume and --out: a resumed run stays in its own folder; give only "
                        + "--resume");
            }
            if (o.overwrite) {
                throw new UsageException("--resume and --overwrite do not go together");
            }
            return resume(parsed);
        }
        TrainSettings s = resolve();
        PrintWriter err = spec.commandLine().getErr();
        for (String note : ignoredOptions(parsed, s)) {
            err.println("note: " + note);
        }
        err.flush();
        Path out = o.out != null ? o.out : defaultOut(s);
        try {
            RunFolder.checkNew(out, o.overwrite);
        } catch (RunFolder.FolderExistsException e) {
            throw new UsageException(e.getMessage(), e);
        }
        TrainingRun run = new TrainingRun(s, out, o.overwrite, o.quiet, spec.commandLine().getOut(),
                spec.commandLine().getErr(), args(parsed));
        return run.execute();
    }

    /**
     * The options this command line gives that the run does not use (kept in its config all the same): a note each,
     * since a value that does nothing is usually a mistake (--momentum with Adam, --clip with a penalty loss).
     */
    static List<String> ignoredOptions(CommandLine.ParseResult parsed, TrainSettings s) {
        List<String> notes = new ArrayList<>();
        if (parsed == null) {
            return notes;
        }
        java.util.function.BiConsumer<String, String> unless = (option, why) -> {
            if (parsed.hasMatchedOption(option)) {
                notes.add(option + " is ignored: " + why);
            }
        };
        if (Experiment.dataKind(s.data()) == Experiment.DataKind.POINTS) {
            unless.accept("--held-out", "2-D point data is drawn fresh each step, with no images to set aside");
        }
        String loss = s.loss();
        if (!loss.equals(GanLosses.WGAN)) {
            unless.accept("--clip", "weight clipping goes with --loss wgan");
        }
        if (!loss.equals(GanLosses.GLS_GAN)) {
            unless.accept("--nu", "it is the slope of --loss gls-gan");
        }
        if (!loss.equals(GanLosses.LOSS_SENSITIVE) && !loss.equals(GanLosses.GLS_GAN)) {
            for (String ls : List.of("--ls-gamma", "--ls-lambda", "--ls-tau", "--ls-distance", "--ls-output")) {
                unless.accept(ls, "it is an option of --loss loss-sensitive and gls-gan");
            }
        }
        if (!loss.equals(GanLosses.LEAST_SQUARES)) {
            unless.accept("--lsgan-targets", "they are the targets of --loss lsgan");
        }
        if (s.penalty().equals("none")) {
            unless.accept("--penalty-weight", "there is no --penalty");
            unless.accept("--one-sided", "there is no --penalty");
        } else if (!s.penalty().equals("wgan-gp")) {
            // one-sided penalises norms above the centre, and every norm is above 0: the penalty stays as it was
            unless.accept("--one-sided", "--penalty " + s.penalty() + " is centred at 0, below every gradient norm"
                    + " (--one-sided goes with wgan-gp, centred at 1)");
        }
        if (!s.model().equals("dcgan64")) {
            unless.accept("--d-batchnorm", "it is an option of --model dcgan64 (this run: " + s.model() + ")");
        }
        if (!s.model().equals("mlp")) {
            unless.accept("--mlp-width", "it is an option of --model mlp (this run: " + s.model() + ")");
        }
        if (s.device().equals("cpu")) {
            unless.accept("--conv", "--device cpu (it chooses the convolutions of a CUDA device)");
            unless.accept("--tf32", "--device cpu (TF32 is a mode of a CUDA device's tensor cores)");
        }
        for (String who : List.of("g", "d")) {
            String algorithm = (who.equals("g") ? s.g() : s.d()).algorithm();
            String net = who.equals("g") ? "G" : "D";
            if (algorithm.equals("adam")) {
                unless.accept("--" + who + "-momentum", net + "'s optimizer is adam (its momentum is --betas)");
            } else {
                unless.accept("--" + who + "-betas", net + "'s optimizer is " + algorithm + ", not adam");
            }
        }
        boolean adamG = s.g().algorithm().equals("adam");
        boolean adamD = s.d().algorithm().equals("adam");
        if (adamG && adamD) {
            unless.accept("--momentum", "both optimizers are adam (their momentum is --betas)");
        }
        if (!adamG && !adamD) {
            unless.accept("--betas", "neither optimizer is adam");
        }
        return notes;
    }

    /** The arguments after the subcommand's name ({@code originalArgs} starts at the top-level command). */
    private static List<String> args(CommandLine.ParseResult parsed) {
        if (parsed == null) {
            return List.of();
        }
        List<String> all = parsed.originalArgs();
        int i = all.indexOf("train");
        return i < 0 ? all : all.subList(i + 1, all.size());
    }

    static Path defaultOut(TrainSettings s) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String name = stamp + "-" + s.model() + "-" + s.loss() + (s.penalty().equals("none") ? "" : "-" + s.penalty());
        return Path.of("runs", name);
    }

    /** Checks every value and applies the defaults that depend on other options. */
    TrainSettings resolve() {
        DataOptions dat = dataOptions;
        LossOptions l = lossOptions;
        OptimizerOptions op = optimizerOptions;
        ScheduleOptions sc = scheduleOptions;
        OutputOptions out = outputOptions;

        String data = Experiment.canonicalData(dat.data);
        String model = Check.oneOf("--model", dat.model, Experiment.MODELS);
        if (model.equals("auto")) {
            model = Experiment.autoModel(data);
        }
        Experiment.checkModelFitsData(model, data);
        boolean points = model.equals("mlp");

        String loss;
        try {
            loss = GanLosses.canonical(l.loss);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--loss: " + e.getMessage(), e);
        }
        String penalty = Check.oneOf("--penalty", l.penalty, Experiment.PENALTIES);
        double weight = l.penaltyWeight != null ? l.penaltyWeight : Experiment.defaultPenaltyWeight(penalty);
        Check.range("--penalty-weight", weight, 0, true, 1e6, true);
        if (penalty.equals("none")) {
            weight = 0;
        }
        double clip = l.clip != null ? l.clip
                : loss.equals(GanLosses.WGAN) && penalty.equals("none")
                ? io.gcgan.gan.loss.WassersteinLoss.DEFAULT_CLIP : 0.0;
        Check.range("--clip", clip, 0, true, 10, true);
        double nu = l.nu != null ? Check.range("--nu", l.nu, Double.NEGATIVE_INFINITY, false, 1, true) : Double.NaN;
        if (loss.equals(GanLosses.GLS_GAN) && Double.isNaN(nu)) {
            throw new UsageException("--loss gls-gan needs --nu (a slope <= 1: 0 = LS-GAN, 1 = WGAN-like, -1 = |a|)");
        }
        Check.range("--ls-gamma", l.lsGamma, 0, true, 1e6, true);
        Check.range("--ls-lambda", l.lsLambda, 0, false, 1e6, true);
        Check.range("--ls-tau", l.lsTau, 0, true, 1e6, true);
        String lsDistance = Check.oneOf("--ls-distance", l.lsDistance, List.of("l1-sum", "l1-mean"));
        String lsOutput = Check.oneOf("--ls-output", l.lsOutput, List.of("relu", "softplus", "identity"));
        double[] targets = Check.numbers("--lsgan-targets", l.lsganTargets, 3);

        TrainSettings.NetOptimizer g =
                net("g", op.gOptimizer, op.gGc, op.gLr, op.gBetas, op.gMomentum, op.gWeightDecay);
        TrainSettings.NetOptimizer d =
                net("d", op.dOptimizer, op.dGc, op.dLr, op.dBetas, op.dMomentum, op.dWeightDecay);
        String sgdForm = Check.oneOf("--sgd-form", op.sgdForm, List.of("pytorch", "thesis"));
        String decayMode = Check.oneOf("--weight-decay-mode", op.weightDecayMode, List.of("coupled", "decoupled"));
        String gcTconv = Check.oneOf("--gc-tconv", op.gcTconv, List.of("input-channel", "output-filter"));

        Check.range("--held-out", dat.heldOut, 0, 10_000_000);
        Check.range("--mlp-width", dat.mlpWidth, 1, 8192);
        Check.range("--n-critic", sc.nCritic, 1, 1000);
        Check.range("--batch-size", sc.batchSize, 1, 65536);
        if (!points && sc.batchSize < 2) {
            // BatchNorm in training normalizes with the batch's own statistics: one sample has no variance (the first
            // step would fail, after the run folder was made)
            throw new UsageException("--batch-size = " + sc.batchSize + " is out of range [2, 65536] for --model "
                    + model + ": its G's BatchNorm layers need the statistics of 2 or more samples");
        }
        Check.range("--steps", sc.steps, 1, 1_000_000_000L);
        Check.range("--seed", sc.seed, 0, Long.MAX_VALUE);
        String dtype = Check.oneOf("--dtype", sc.dtype, List.of("float32", "float64"));
        String generatorNoise = Check.oneOf("--generator-noise", sc.generatorNoise, List.of("fresh", "reuse"));
        Check.range("--diagnostics-every", sc.diagnosticsEvery, 1, 1_000_000_000);
        String device = DeviceChoice.canonical(sc.device);
        String conv = Check.oneOf("--conv", sc.conv, ConvImplementation.optionNames());
        int fixed = out.fixedSamples != null ? out.fixedSamples : points ? 1000 : 64;
        Check.range("--fixed-samples", fixed, 1, 4096);
        Check.range("--keep", out.keep, 1, 1000);
        Check.range("--checkpoint-every", out.checkpointEvery, 1, 1_000_000_000);
        Check.range("--sample-every", out.sampleEvery, 1, 1_000_000_000);
        Check.range("--log-every", out.logEvery, 0, 1_000_000_000);
        Check.range("--score-every", out.scoreEvery, 0, 1_000_000_000);
        int scoreSamples = out.scoreSamples != null ? out.scoreSamples
                : model.equals("dcgan64") ? DCGAN64_SCORE_SAMPLES : TrainSettings.DEFAULT_SCORE_SAMPLES;
        Check.range("--score-samples", scoreSamples, 2, 1_000_000);

        return new TrainSettings(model, data, dat.heldOut, dat.mlpWidth, dat.dBatchNorm, loss, clip, nu, l.lsGamma,
                l.lsLambda, l.lsTau, lsDistance, lsOutput, targets, penalty, weight, l.oneSided, g, d, sgdForm,
                decayMode, gcTconv, sc.nCritic, sc.wganSchedule, generatorNoise, sc.batchSize, sc.steps, sc.seed, dtype,
                sc.diagnosticsEvery, fixed, device, conv, sc.tf32, sc.capturedSteps, out.keep, out.checkpointEvery,
                out.sampleEvery, out.scoreEvery, scoreSamples, out.logEvery);
    }

    private TrainSettings.NetOptimizer net(String who, String algorithm, String gc, Double lr, String betas,
                                           Double momentum, Double weightDecay) {
        OptimizerOptions op = optimizerOptions;
        String p = "--" + who + "-";
        String algo = Check.oneOf(algorithm != null ? p + "optimizer" : "--optimizer",
                first(algorithm, op.optimizer, DEFAULT_OPTIMIZER), Experiment.OPTIMIZERS);
        String mode = Check.oneOf(gc != null ? p + "gc" : "--gc", first(gc, op.gc, DEFAULT_GC), Experiment.GC_MODES);
        double rate = Check.range(lr != null ? p + "lr" : "--lr",
                first(lr, op.lr, Double.parseDouble(DEFAULT_LR)), 0, false, 10, true);
        String betaName = betas != null ? p + "betas" : "--betas";
        double[] b = Check.numbers(betaName, first(betas, op.betas, DEFAULT_BETAS), 2);
        Check.range(betaName + " beta1", b[0], 0, true, 1, false);
        Check.range(betaName + " beta2", b[1], 0, true, 1, false);
        double m = Check.range(momentum != null ? p + "momentum" : "--momentum",
                first(momentum, op.momentum, algo.equals("sgd") ? 0.9 : 0.0), 0, true, 1, false);
        double wd = Check.range(weightDecay != null ? p + "weight-decay" : "--weight-decay",
                first(weightDecay, op.weightDecay, 0.0), 0, true, 1, true);
        return new TrainSettings.NetOptimizer(algo, mode, rate, b[0], b[1], m, wd);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    // ---- resume ------------------------------------------------------------------------------------------

    /** Options that set G's and D's option of the same name. */
    private static final Map<String, List<String>> SHARED = Map.of(
            "--optimizer", List.of("g-optimizer", "d-optimizer"), "--gc", List.of("g-gc", "d-gc"),
            "--lr", List.of("g-lr", "d-lr"), "--betas", List.of("g-betas", "d-betas"),
            "--momentum", List.of("g-momentum", "d-momentum"),
            "--weight-decay", List.of("g-weight-decay", "d-weight-decay"));

    private int resume(CommandLine.ParseResult parsed) throws Exception {
        RunFolder folder = RunFolder.open(outputOptions.resume); // locked: released by the run, or on a refusal
        try {
            return resume(parsed, folder);
        } finally {
            folder.release();
        }
    }

    private int resume(CommandLine.ParseResult parsed, RunFolder folder) throws Exception {
        Resume r = checkResume(parsed, folder);
        if (outputOptions.fromStep != null) {
            // a later stop resumes from here, not from the old latest
            folder.checkpoints().pointLatestAt(outputOptions.fromStep);
        }
        TrainingRun run = new TrainingRun(r.settings(), folder, r.checkpoint(), outputOptions.quiet || r.quiet(),
                spec.commandLine().getOut(), spec.commandLine().getErr(), args(parsed));
        return run.execute();
    }

    /** What a resume continues: the checkpoint, the run's settings with this command line's changes, --quiet. */
    private record Resume(Path checkpoint, TrainSettings settings, boolean quiet) {
    }

    /**
     * Checks that gcgan train's {@code args} (with --resume) can resume their run folder as given, without taking its
     * lock or writing anything: {@code gcgan experiment} asks before its first run trains, so that an option changed
     * since the runs began stops it at once, not at each run in turn.
     */
    static void checkResume(List<String> args) throws Exception {
        TrainCommand train = new TrainCommand();
        CommandLine cl = new CommandLine(train);
        CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
        refuseRepeatedOptions(parsed);
        train.checkResume(parsed, RunFolder.read(train.outputOptions.resume));
    }

    /**
     * Refuses an option given more than once. picocli starts a new instance of an option's group when the option
     * comes again, which would reset the group's other options to their defaults ({@code --optimizer sgd --lr 0.03
     * --lr 0.01} would train Adam); so a repeated option is a usage error that names it and its values.
     */
    static void refuseRepeatedOptions(CommandLine.ParseResult parsed) {
        List<String> original = parsed.originalArgs();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            if (!a.startsWith("--")) {
                continue;
            }
            int eq = a.indexOf('=');
            CommandLine.Model.OptionSpec option = parsed.commandSpec().findOption(eq < 0 ? a : a.substring(0, eq));
            if (option == null) {
                continue;
            }
            String value = eq >= 0 ? a.substring(eq + 1)
                    : option.arity().max() > 0 && i + 1 < original.size() && !original.get(i + 1).startsWith("--")
                            ? original.get(i + 1) : "(no value)";
            values.computeIfAbsent(option.longestName(), k -> new ArrayList<>()).add(value);
        }
        for (var e : values.entrySet()) {
            if (e.getValue().size() > 1) {
                throw new RepeatedOptionException(e.getKey() + " is given " + e.getValue().size() + " times ("
                        + String.join(", then ", e.getValue()) + "); give each option once");
            }
        }
    }

    private Resume checkResume(CommandLine.ParseResult parsed, RunFolder folder) throws Exception {
        Long fromStep = outputOptions.fromStep;
        Optional<Path> latest = fromStep != null ? Optional.of(folder.checkpoints().at(fromStep))
                : folder.checkpoints().latest();
        if (latest.isEmpty()) {
            throw new UsageException("--resume " + folder + ": no checkpoint in " + folder.checkpoints().dir()
                    + "; nothing to resume (start the run again with --out " + folder + " --overwrite)");
        }
        Checkpoint.Info info;
        try {
            info = Checkpoint.readInfo(latest.get());
        } catch (IOException e) {
            throw new IOException(Main.describe(e) + otherCheckpointsHint(folder, latest.get()), e);
        }
        // The run's options: config.json (which also holds the run-control options), then the checkpoint's
        // (the identity options it was trained with), then what this command line gives explicitly.
        Map<String, Object> saved = new LinkedHashMap<>();
        if (Files.isRegularFile(folder.config())) {
            Object o = Json.read(folder.config()).get("options");
            if (o instanceof Map<?, ?> m) {
                m.forEach((k, v) -> saved.put(String.valueOf(k), v));
            }
        }
        saved.putAll(info.options());
        List<String> given = args(parsed);
        List<String> args = new ArrayList<>();
        saved.forEach((k, v) -> {
            // Options this command line gives are left out (picocli would start a new instance of their option
            // group for a repeated option, resetting its other options to their defaults).
            if (v == null || overriddenByShared(k, parsed) || (parsed != null && parsed.hasMatchedOption("--" + k))) {
                return;
            }
            args.add("--" + k + "=" + TrainSettings.text(v));
        });
        args.addAll(given);
        TrainCommand merged = new TrainCommand();
        CommandLine cl = new CommandLine(merged);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UsageException("--resume " + folder + ": the run's saved options and this command line do not"
                    + " parse together: " + e.getMessage(), e);
        }
        merged.outputOptions.resume = null;
        TrainSettings s;
        try {
            s = merged.resolve();
        } catch (UsageException e) {
            throw new UsageException("--resume " + folder + ": " + e.getMessage(), e);
        }
        List<String> changed = TrainSettings.differences(info.options(), s.identity());
        if (!changed.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (String k : changed) {
                parts.add("--" + k + " (the run: " + TrainSettings.text(info.options().get(k)) + ", now: "
                        + TrainSettings.text(s.identity().get(k)) + ")");
            }
            throw new UsageException("--resume " + folder + ": this command changes options that define the run: "
                    + String.join(", ", parts) + ". Only --steps, --device, --conv, --tf32, --captured-steps, --keep,"
                    + " --checkpoint-every, --sample-every, --score-every, --score-samples, --log-every and --quiet may"
                    + " change; start a new run for other options.");
        }
        if (!s.configHash().equals(info.configHash())) {
            throw new IOException(latest.get() + ": the checkpoint's config_hash " + info.configHash()
                    + " does not match its options (hash " + s.configHash() + "); the checkpoint was edited or written"
                    + " by another gcgan version");
        }
        return new Resume(latest.get(), s, merged.outputOptions.quiet);
    }

    /**
     * What to tell a user whose checkpoint {@code bad} cannot be read: the run's other checkpoints, and how to resume
     * from one ("" when there is none).
     */
    static String otherCheckpointsHint(RunFolder folder, Path bad) {
        List<Long> others = folder.checkpoints().stepsOtherThan(bad);
        if (others.isEmpty()) { // a NaN checkpoint's message advises an earlier one: say there is none
            return ". The run has no other checkpoint: start it again with --out " + folder + " --overwrite";
        }
        return ". The run has other checkpoints (after " + others.stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(", ")) + " steps): resume from one with --resume "
                + folder + " --from-step " + others.getLast();
    }

    private static boolean overriddenByShared(String key, CommandLine.ParseResult parsed) {
        if (parsed == null) {
            return false;
        }
        for (var e : SHARED.entrySet()) {
            if (e.getValue().contains(key) && parsed.hasMatchedOption(e.getKey())) {
                return !parsed.hasMatchedOption("--" + key);
            }
        }
        return false;
    }
}
