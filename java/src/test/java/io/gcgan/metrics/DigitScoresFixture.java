package io.gcgan.metrics;

import io.gcgan.data.ImageDataset;
import io.gcgan.tensor.Device;

/**
 * What the digit-score tests share, loaded once per test JVM: the embedded digit classifier, the embedded digits'
 * training and held-out parts, and the training part's feature statistics (the reference of every FD).
 */
final class DigitScoresFixture {

    static final DigitClassifier CLASSIFIER;
    static final ImageDataset TRAIN;
    static final ImageDataset TEST;
    static final FeatureStatistics REFERENCE;

    static {
        try {
            CLASSIFIER = DigitClassifier.load(Device.CPU);
            var split = DigitClassifierTraining.split();
            TRAIN = (ImageDataset) split.train();
            TEST = (ImageDataset) split.heldOut();
            REFERENCE = DigitScores.referenceStatistics(CLASSIFIER, TRAIN, Device.CPU);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DigitScoresFixture() {
    }
}
