package io.gcgan.cli;

import io.gcgan.data.GaussianMixture;
import io.gcgan.data.ImageDataset;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.metrics.ModeCoverage;
import io.gcgan.metrics.SlicedWasserstein;
import io.gcgan.report.RunFolder;
import io.gcgan.report.ScoresLog;
import io.gcgan.tensor.Device;
import java.io.IOException;

/**
 * The scores of {@code gcgan train --score-every N}: every N steps and at the end, G (in evaluation mode) samples the
 * same {@code --score-samples} noise vectors (the run's seed, stream {@link #SCORE_STREAM}) and {@link SampleScorer}
 * scores them; the row goes to the run's scores.csv. mnist28 runs are scored against every image of the run's
 * {@code --data} (its feature statistics are computed once, at the first score), dcgan64 runs against as many of its
 * images as samples (the sliced Wasserstein distance), 2-D runs against their mixture.
 * Scoring changes no training state, so a run's metrics are the same with or without it.
 */
final class TrainingScores {

    /** XORed into the run's seed for the scoring noise ("score"). */
    static final long SCORE_STREAM = 0x73636F7265L;

    private final TrainSettings settings;
    private final Experiment experiment;
    private final Device device;
    private final RunFolder folder;
    private DigitClassifier classifier; // mnist28: loaded at the first score
    private FeatureStatistics reference;

    TrainingScores(TrainSettings settings, Experiment experiment, Device device, RunFolder folder) {
        this.settings = settings;
        this.experiment = experiment;
        this.device = device;
        this.folder = folder;
    }

    /** Scores G after {@code step} steps, appends the row to scores.csv and returns the scores as one line. */
    String score(long step) throws IOException {
        long seed = settings.seed() ^ SCORE_STREAM;
        int count = settings.scoreSamples();
        if (experiment.mixture != null) {
            GaussianMixture mixture = experiment.mixture;
            ModeCoverage c = SampleScorer.modes(experiment.trainer::sample, settings, device, seed, count, mixture);
            ScoresLog.append(folder.scores(), SampleScorer.MODE_COLUMNS, step, SampleScorer.modeRow(c));
            return c.toString();
        }
        ImageDataset real = experiment.images; // the data the run trains on, already in memory
        if (settings.model().equals("dcgan64")) {
            SlicedWasserstein.Result r = SampleScorer.swd(experiment.trainer::sample, settings, device, seed, count,
                    real);
            ScoresLog.append(folder.scores(), SampleScorer.swdColumns(r), step, SampleScorer.swdRow(r));
            return r.toString();
        }
        if (classifier == null) {
            classifier = DigitClassifier.load(device);
            reference = DigitScores.referenceStatistics(classifier, real, device);
        }
        DigitScores d = SampleScorer.digits(experiment.trainer::sample, settings, device, seed, count, classifier,
                reference).result();
        ScoresLog.append(folder.scores(), SampleScorer.DIGIT_COLUMNS, step, SampleScorer.digitRow(d));
        return d.toString();
    }
}
