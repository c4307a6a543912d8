package io.gcgan.cli;

import io.gcgan.data.ImageDataset;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.metrics.ModeCoverage;
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
 * {@link ModeCoverage}. dcgan64's 3 x 64 x 64 images have no feature network in gcgan and are refused.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores the samples of a checkpoint's G.",
            "mnist28 runs: the Frechet distance between a digit classifier's features of the samples and of the "
                    + "reference digits (FD, lower is better), the classifier score (the Inception Score's formula, "
                    + "1 to 10) and the digits covered. 2-D runs: the modes covered and the share of samples within "
                    + "3 sigma of a mode. The digit classifier is gcgan's own (trained on the embedded MNIST digits), "
                    + "so the values compare gcgan runs with each other, not with published FIDs."},
        footer = {"", "Examples:",
            "  gcgan score runs/mnist                  # its latest checkpoint",
            "  gcgan score runs/mnist --step 600 --json",
            "  gcgan score runs/mnist --reference data/mnist   # other digits"})
final class ScoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CheckpointArgument checkpointArgument;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10000",
            description = "Samples, in [2, 1000000]; compare FDs only between equal counts. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seeds the noise. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--reference", paramLabel = "DATA",
            description = "The real digits of the FD (mnist28 runs): mnist, an IDX file or an MNIST folder, as "
                    + "--data takes them. Default: the run's --data, every image of it.")
    String reference;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "auto, cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--json", description = "Print the scores as one JSON object (and nothing else) on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Check.range("--count", count, 2, 1_000_000);
        Path checkpoint = checkpointArgument.resolve();
        Checkpoint.Info info = Checkpoint.readInfo(checkpoint);
        TrainSettings s = TrainSettings.fromIdentity(info.options());
        if (s.model().equals("dcgan64")) {
            throw new UsageException("gcgan score: there is no image-quality network for dcgan64's 3x64x64 images"
                    + " (scores exist for mnist28 digits and 2-D mixtures)");
        }
        if (reference != null && !s.model().equals("mnist28")) {
            throw new UsageException("--reference goes with mnist28 runs; " + checkpoint + " is a " + s.model()
                    + " run");
        }
        if (reference != null && !reference.equals("mnist") && !Files.exists(Path.of(reference))) {
            throw new UsageException("--reference: '" + reference + "' is neither mnist nor an existing file or folder"
                    + " (an IDX image file, a folder with MNIST's IDX files, or a folder of 28x28 digit images)");
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
        } else {
            String referenceData = reference != null ? reference : s.data();
            ImageDataset real = Experiment.images(referenceData, "mnist28");
            DigitClassifier classifier = DigitClassifier.load(dev);
            FeatureStatistics stats = DigitScores.referenceStatistics(classifier, real, dev);
            DigitScores d = SampleScorer.digits(g::forward, s, dev, seed, count, classifier, stats);
            result.put("reference", referenceData);
            result.put("reference_images", real.size());
            result.put("frechet_distance", d.frechetDistance());
            result.put("classifier_score", d.classifierScore());
            result.put("digits_covered", d.classesCovered());
            result.put("digit_shares", d.classShares());
            result.put("digit_imbalance", d.classImbalance());
            result.put("confident_fraction", d.confidentFraction());
            line = d + "; reference: " + real.size() + " images of " + referenceData;
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
}
