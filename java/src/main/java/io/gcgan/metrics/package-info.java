/**
 * Measures of trained generators.
 *
 * <ul>
 *   <li>{@link io.gcgan.metrics.ModeCoverage}: on the 2-D mixtures of {@link io.gcgan.data.GaussianMixture},
 *       the modes covered and the fraction of high-quality samples (within 3 sigma of the nearest mode).</li>
 * </ul>
 */
package io.gcgan.metrics;
