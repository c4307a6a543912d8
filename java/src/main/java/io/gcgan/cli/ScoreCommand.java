package io.gcgan.cli;

import io.gcgan.data.Dataset;
import io.gcgan.data.ImageDataset;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.metrics.FrechetDistance;
import io.gcgan.metrics.ModeCoverage;
import io.gcgan.metrics.SlicedWasserstein;
import io.gcgan.nn.Module;
import io.gcgan.report.Checkpoint;
import io.gcgan.report.Json;
import io.gcgan.tensor.Device;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcgan score}: the sample quality of a checkpoint's G (in evaluation mode, on fresh noise). mnist28 runs get
 * {@link DigitScores} against the digits of the run's data (or {@code --reference}); 2-D runs get the mixture's
 * {@link ModeCoverage}; dcgan64 runs get the {@link SlicedWasserstein} distance to as many of the run's images
 * (there is no feature network for 3 x 64 x 64 images in gcgan).
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores the samples of a checkpoint's G.",
            "mnist28 runs: the Frechet distance between a digit classifier's features of the samples and of the "
                    + "reference digits (FD, lower is better), the classifier score (the Inception Score's formula, "
                    + "1 to 10) and the digits covered. 2-D runs: the modes covered and the share of samples within "
                    + "3 sigma of a mode. dcgan64 runs: the sliced Wasserstein distance (x 1e3) over a Laplacian "
                    + "pyramid of 7x7 patches (Karras et al. 2018) to as many real images, per level and mean. The "
                    + "digit classifier is gcgan's own (trained on the embedded MNIST digits), so the values compare "
                    + "gcgan runs with each other, not with published FIDs."},
        footer = {"", "Examples:",
            "  gcgan score runs/mnist                  # its latest checkpoint",
            "  gcgan score runs/mnist --step 600 --json",
            "  gcgan score runs/mnist --reference data/mnist   # other digits"})
final class ScoreCommand implements Callable<Integer> {

    /** The default sample count (mnist28 and 2-D runs): the README's scores were measured at it. */
    static final int DEFAULT_COUNT = 10_000;
    /** dcgan64's default sample count: the sliced Wasserstein distance costs seconds per thousand images. */
    static final int DCGAN64_COUNT = 2048;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CheckpointArgument checkpointArgument;

    @Option(names = "--count", paramLabel = "N",
            description = "Samples, in [2, 1000000]; compare scores only between equal counts. Default: "
                    + DEFAULT_COUNT + ", dcgan64 " + DCGAN64_COUNT + ".")
    Integer count;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seeds the noise. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--reference", paramLabel = "DATA",
            description = "The real images (mnist28 and dcgan64 runs), as --data takes them: for the FD every one, "
                    + "for the SWD as many as samples. Default: the run's --data.")
    String reference;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "auto, cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--json", description = "Print the scores as one JSON object (and nothing else) on stdout.")
    boolean json;

    /** The samples scored without {@code --count} for a run of {@code model}. */
    static int defaultCount(String model) {
        return model.equals("dcgan64") ? DCGAN64_COUNT : DEFAULT_COUNT;
    }

    @Override
    public Integer call() throws Exception {
        Path checkpoint = checkpointArgument.resolve();
        Checkpoint.Info info = Checkpoint.readInfo(checkpoint);
        TrainSettings s = TrainSettings.fromIdentity(info.options());
        int count = this.count != null ? this.count : defaultCount(s.model());
        Check.range("--count", count, 2, 1_000_000);
        if (reference != null && s.model().equals("mlp")) {
            throw new UsageException("--reference goes with image runs (mnist28, dcgan64); " + checkpoint + " is a "
                    + s.model() + " run");
        }
        if (reference != null && !reference.equals("mnist") && !Files.exists(Path.of(reference))) {
            throw new UsageException("--reference: '" + reference + "' is neither mnist nor an existing file or folder"
                    + " (an IDX image file, a folder with MNIST's IDX files, or a folder of images)");
        }
        if (reference == null && !s.model().equals("mlp") && !s.data().equals("mnist")
                && !Files.exists(Path.of(s.data()))) {
            throw new UsageException("the run's --data " + s.data() + " is no longer there; give the real images with"
                    + " --reference DATA");
        }
        DeviceChoice choice = DeviceChoice.select(device);
        Device dev = choice.device();
        Module g = Experiment.generatorOnly(s, dev);
        Checkpoint.loadGenerator(checkpoint, g);
        g.eval();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("checkpoint", checkpoint.toAbsolutePath().normalize().toString());
        result.put("step", info.state().step());
        result.put("model", s.model());
        result.put("samples", count);
        result.put("seed", seed);
        String line;
        if (s.model().equals("mlp")) {
            ModeCoverage c = SampleScorer.modes(g::forward, s, dev, seed, count, Experiment.mixture(s.data()));
            result.put("data", s.data());
            result.put("modes_covered", c.modesCovered());
            result.put("modes", c.totalModes());
            result.put("high_quality_fraction", c.highQualityFraction());
            result.put("high_quality_per_mode", c.highQualityPerMode());
            line = c.toString();
        } else if (s.model().equals("dcgan64")) {
            String referenceData = reference != null ? reference : s.data();
            ImageDataset real = Experiment.images(referenceData, s.model());
            SlicedWasserstein.Result r = SampleScorer.swd(g::forward, s, dev, seed, count, real);
            if (this.count != null && count > real.size()) { // asked for more than SWD can compare: say so
                spec.commandLine().getErr().println("note: --count " + count + " is more than the " + real.size()
                        + (real.size() == 1 ? " image" : " images") + " of " + referenceData + ": SWD compares "
                        + r.images() + " samples with them");
            }
            result.put("samples", r.images()); // at most the reference's size
            result.put("reference", referenceData);
            result.put("reference_images", real.size());
            Map<String, Object> levels = new LinkedHashMap<>();
            for (int l = 0; l < r.resolutions().size(); l++) {
                levels.put(Integer.toString(r.resolutions().get(l)), r.distancesE3().get(l));
            }
            result.put("swd_x1e3", levels);
            result.put("swd_mean_x1e3", r.meanE3());
            line = r + " against " + referenceData;
        } else {
            String referenceData = reference != null ? reference : s.data();
            ImageDataset real = Experiment.images(referenceData, "mnist28");
            if (real.size() <= DigitClassifier.FEATURES) {
                // The reference covariance of n <= d features is singular: FD is then mostly estimation noise.
                PrintWriter err = spec.commandLine().getErr();
                err.println("note: " + referenceData + " has " + real.size() + (real.size() == 1 ? " image" : " images")
                        + ", no more than the " + DigitClassifier.FEATURES + " features FD compares: its covariance"
                        + " is singular and the FD unreliable (give a reference of thousands of images)");
                err.flush();
            }
            if (count <= DigitClassifier.FEATURES) { // the samples' covariance likewise
                PrintWriter err = spec.commandLine().getErr();
                err.println("note: --count " + count + " is no more than the " + DigitClassifier.FEATURES
                        + " features FD compares: the samples' covariance is singular and the FD unreliable (score"
                        + " thousands of samples)");
                err.flush();
            }
            DigitClassifier classifier = DigitClassifier.load(dev);
            FeatureStatistics stats = DigitScores.referenceStatistics(classifier, real, dev);
            DigitScores.Accumulator samples = SampleScorer.digits(g::forward, s, dev, seed, count, classifier, stats);
            DigitScores d = samples.result();
            result.put("reference", referenceData);
            result.put("reference_images", real.size());
            result.put("frechet_distance", d.frechetDistance());
            result.put("classifier_score", d.classifierScore());
            result.put("digits_covered", d.classesCovered());
            result.put("digit_shares", d.classShares());
            result.put("digit_imbalance", d.classImbalance());
            result.put("confident_fraction", d.confidentFraction());
            line = d + "; reference: " + real.size() + (real.size() == 1 ? " image of " : " images of ")
                    + referenceData;
            if (reference == null) {
                line += "; " + generalization(s, real, classifier, dev, samples.featureStatistics(), result);
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.print(Json.write(result));
        } else {
            w.println(String.format(Locale.ROOT, "%s (step %d, %s): %s", checkpoint, info.state().step(), s.model(),
                    line));
        }
        w.flush();
        return 0;
    }

    /** Random training subsets the held-out FD is compared with. */
    static final int TRAINING_SUBSETS = 10;

    /**
     * The FD of the samples to the run's held-out digits, against their FD to {@value #TRAINING_SUBSETS} random
     * subsets of its training digits of the same size (the FD's sample-size bias then cancels): samples nearer the
     * training digits than digits G never saw (a positive gap, large next to the subsets' spread) are a sign of
     * memorization. One subset alone is too noisy: for the main job's G the FD to single subsets spreads by +-7.
     */
    private String generalization(TrainSettings s, ImageDataset real, DigitClassifier classifier, Device dev,
                                  FeatureStatistics samples, Map<String, Object> result) {
        Dataset.Split split = Experiment.split(s, real, s.data());
        ImageDataset heldOut = (ImageDataset) split.heldOut();
        double toHeldOut = FrechetDistance.squared(samples,
                DigitScores.referenceStatistics(classifier, heldOut, dev));
        double[] toTraining = new double[TRAINING_SUBSETS];
        for (int k = 0; k < TRAINING_SUBSETS; k++) {
            ImageDataset subset = (ImageDataset) split.train().split(heldOut.size(), seed + k).heldOut();
            toTraining[k] = FrechetDistance.squared(samples, DigitScores.referenceStatistics(classifier, subset, dev));
        }
        double mean = java.util.Arrays.stream(toTraining).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(toTraining).map(v -> (v - mean) * (v - mean)).sum()
                / (TRAINING_SUBSETS - 1));
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("images", heldOut.size());
        gen.put("frechet_distance_held_out", toHeldOut);
        gen.put("frechet_distance_training_mean", mean);
        gen.put("frechet_distance_training_sd", sd);
        gen.put("training_subsets", TRAINING_SUBSETS);
        gen.put("gap", toHeldOut - mean);
        result.put("generalization", gen);
        return String.format(Locale.ROOT, "FD to the run's %d held-out digits %.3f, to %d training subsets as large"
                + " %.3f +- %.3f (gap %+.3f)", heldOut.size(), toHeldOut, TRAINING_SUBSETS, mean, sd,
                toHeldOut - mean);
    }
}
