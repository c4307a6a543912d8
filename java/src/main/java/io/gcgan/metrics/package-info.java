/**
 * Measures of trained generators.
 *
 * <ul>
 *   <li>{@link io.gcgan.metrics.ModeCoverage}: on the 2-D mixtures of {@link io.gcgan.data.GaussianMixture},
 *       the modes covered and the fraction of high-quality samples (within 3 sigma of the nearest mode).</li>
 *   <li>{@link io.gcgan.metrics.DigitScores}: image quality of generated 28 x 28 digits, measured with the
 *       {@link io.gcgan.metrics.DigitClassifier} (a small CNN trained on the embedded MNIST digits by
 *       {@link io.gcgan.metrics.DigitClassifierTraining}): the Frechet distance between feature Gaussians
 *       ({@link io.gcgan.metrics.FeatureStatistics}, {@link io.gcgan.metrics.FrechetDistance},
 *       {@link io.gcgan.metrics.SymmetricEigen}), the classifier score (the Inception Score's formula) and the
 *       coverage of the ten digits.</li>
 *   <li>{@link io.gcgan.metrics.SlicedWasserstein}: the sliced Wasserstein distance between two image sets over a
 *       Laplacian pyramid of 7 x 7 patches (Karras et al., 2018), which needs no trained network: the score of
 *       dcgan64's 3 x 64 x 64 images.</li>
 * </ul>
 */
package io.gcgan.metrics;
