/**
 * Neural-network modules over {@link io.gcgan.tensor.Tensor}, named and initialized as in PyTorch, and
 * safetensors weights.
 *
 * <ul>
 *   <li>{@link io.gcgan.nn.Module}: parameters, buffers and children by name; {@code stateDict()} keys are
 *       PyTorch's for the same architecture ({@code main.0.weight}, {@code main.1.running_mean}, ...).</li>
 *   <li>Layers: {@link io.gcgan.nn.Linear}, {@link io.gcgan.nn.Conv2d}, {@link io.gcgan.nn.ConvTranspose2d}
 *       (weight [in, out, kh, kw]), {@link io.gcgan.nn.BatchNorm1d}, {@link io.gcgan.nn.BatchNorm2d}
 *       (composed from tensor ops, so it has second derivatives), {@link io.gcgan.nn.ReLU},
 *       {@link io.gcgan.nn.LeakyReLU}, {@link io.gcgan.nn.Tanh}, {@link io.gcgan.nn.Sigmoid},
 *       {@link io.gcgan.nn.Flatten}, {@link io.gcgan.nn.Reshape} (per sample), {@link io.gcgan.nn.Sequential}.
 *       Each takes {@link io.gcgan.nn.ModuleOptions} (dtype, device, generator) or uses float32, CPU and
 *       {@link io.gcgan.nn.Init#defaultGenerator()}.</li>
 *   <li>{@link io.gcgan.nn.Init}: PyTorch's default initialization and the DCGAN one.</li>
 *   <li>{@link io.gcgan.nn.SafeTensors}: the file format, validated on read, written atomically;
 *       {@link io.gcgan.nn.Module#saveWeights} and {@link io.gcgan.nn.Module#loadWeights}.</li>
 * </ul>
 *
 * Build models outside the {@link io.gcgan.tensor.TensorScope} of a training step: parameters live in the
 * scope that is current when they are created.
 */
package io.gcgan.nn;
