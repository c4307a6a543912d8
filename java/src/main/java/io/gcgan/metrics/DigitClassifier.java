package io.gcgan.metrics;

import io.gcgan.nn.Conv2d;
import io.gcgan.nn.Flatten;
import io.gcgan.nn.LeakyReLU;
import io.gcgan.nn.Linear;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.ReLU;
import io.gcgan.nn.Sequential;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The feature network of gcgan's digit scores ({@link DigitScores}): a small CNN trained on the embedded MNIST
 * digits, playing the part that the Inception network plays in the FID and the Inception Score of natural images
 * (no Inception weights are available to gcgan, and an ImageNet network is a poor judge of 28 x 28 digits anyway).
 *
 * <pre>
 *   x [N, 1, 28, 28] in [-1, 1] (the data's and the generators' range)
 *   features: Conv(1, 32, 4, 2, 1) LReLU(0.2) -> [N, 32, 14, 14] -> Conv(32, 64, 4, 2, 1) LReLU(0.2) -> [N, 64, 7, 7]
 *             -> Conv(64, 64, 3, 2, 1) LReLU(0.2) -> [N, 64, 4, 4] -> flatten [N, 1024] -> Linear(1024, 64) ReLU
 *             -> [N, 64]: the features whose Gaussian statistics the Frechet distance compares
 *   head:     Linear(64, 10) -> logits [N, 10] over the digits 0-9
 * </pre>
 *
 * <p>The shipped weights ({@value #RESOURCE}, beside this class, 136,554 float32 values) were trained by
 * {@link DigitClassifierTraining} on 9,000 of the embedded digits; the other 1,000 are its test set. Parameter
 * names: {@code features.0.weight}, ..., {@code head.weight}, {@code head.bias}.
 */
public final class DigitClassifier extends Module {

    /** Length of the feature vector. */
    public static final int FEATURES = 64;
    /** The digits 0-9. */
    public static final int CLASSES = 10;
    /** Input shape of one image. */
    public static final long[] IMAGE_SHAPE = {1, 28, 28};
    /** The shipped weights, a resource beside this class. */
    public static final String RESOURCE = "digit-classifier.safetensors";

    private final Sequential features;
    private final Linear head;

    /** A freshly initialised network (the weights of {@code options}' generator), in training mode. */
    public DigitClassifier(ModuleOptions options) {
        features = registerModule("features", new Sequential(
                new Conv2d(1, 32, 4, 2, 1, true, options), new LeakyReLU(0.2),
                new Conv2d(32, 64, 4, 2, 1, true, options), new LeakyReLU(0.2),
                new Conv2d(64, 64, 3, 2, 1, true, options), new LeakyReLU(0.2),
                new Flatten(), new Linear(64 * 4 * 4, FEATURES, true, options), new ReLU()));
        head = registerModule("head", new Linear(FEATURES, CLASSES, true, options));
    }

    /**
     * The shipped network on {@code device}, in evaluation mode.
     *
     * @throws IOException when the resource is missing or damaged (a broken jar)
     */
    public static DigitClassifier load(Device device) throws IOException {
        // Its own generator: the initial values are overwritten, and drawing them must not move the default stream.
        DigitClassifier c = new DigitClassifier(ModuleOptions.of(new Generator(0)).withDevice(device));
        // Module.loadWeights reads a file (it validates the whole file before writing any weight): the resource
        // is copied to a temporary file first, which is removed at once.
        Path tmp = Files.createTempFile("gcgan-digit-classifier", ".safetensors");
        try {
            try (InputStream in = DigitClassifier.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new FileNotFoundException("resource io/gcgan/metrics/" + RESOURCE + " is missing from the"
                            + " class path");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            c.loadWeights(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
        c.eval();
        return c;
    }

    /** Logits [N, 10] of images [N, 1, 28, 28]. */
    @Override
    public Tensor forward(Tensor x) {
        return head.forward(features(x));
    }

    /** The feature vectors [N, {@value #FEATURES}] of images [N, 1, 28, 28]. */
    public Tensor features(Tensor x) {
        if (x.rank() != 4 || !Arrays.equals(Arrays.copyOfRange(x.shape(), 1, 4), IMAGE_SHAPE)) {
            throw new IllegalArgumentException("DigitClassifier: expected images [N, 1, 28, 28], got "
                    + Arrays.toString(x.shape()));
        }
        return features.forward(x);
    }

    /** Logits [N, 10] of feature vectors [N, {@value #FEATURES}] (the head alone). */
    public Tensor logits(Tensor features) {
        return head.forward(features);
    }

    /**
     * log softmax over dim 1 of logits [N, K], computed as z - log(sum(exp(z))) with z = logits - max (the max is a
     * constant of the derivative, so it is taken without recording).
     */
    public static Tensor logSoftmax(Tensor logits) {
        Tensor z = logits.sub(logits.max(new int[] {1}, true).detach());
        return z.sub(z.exp().sum(new int[] {1}, true).log());
    }
}
