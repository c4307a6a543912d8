package io.gcgan.metrics;

import io.gcgan.autograd.Autograd;
import io.gcgan.data.DataLoader;
import io.gcgan.data.Dataset;
import io.gcgan.data.ImageDataset;
import io.gcgan.data.Mnist;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.random.Philox;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the shipped {@link DigitClassifier} weights were made, so that anyone can make them again:
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp gcgan.jar io.gcgan.metrics.DigitClassifierTraining OUT.safetensors
 * </pre>
 *
 * The embedded digits ({@link Mnist#embedded()}) are split into {@value #TEST_DIGITS} test digits and 9,000
 * training digits ({@link Dataset#split} with seed {@value #SEED}); the network (initialised from a {@link Generator}
 * with the same seed) is trained on the CPU for {@value #EPOCHS} epochs of shuffled batches of {@value #BATCH} with
 * Adam (lr {@value #LEARNING_RATE}, a tenth of it for the last {@value #FINE_EPOCHS} epochs, PyTorch's default betas)
 * on the mean cross-entropy, each training image shifted by a random whole number of pixels in [-{@value #MAX_SHIFT},
 * {@value #MAX_SHIFT}] in x and in y (drawn from the same seed); then its accuracy on the test
 * digits is measured and written into the file's metadata. On the CPU the run is deterministic on one machine; the
 * last bits of a float32 sum may differ between machines whose OpenBLAS kernels differ, so the weights are shipped
 * rather than made at first use: every user scores with the same network.
 */
public final class DigitClassifierTraining {

    /** Seed of the split, the initial weights and the batch order. */
    public static final long SEED = 1;
    /** Digits held out of training, the classifier's test set. */
    public static final int TEST_DIGITS = 1000;
    public static final int EPOCHS = 12;
    /** The last epochs run at a tenth of the learning rate. */
    public static final int FINE_EPOCHS = 3;
    /** Training images are shifted by up to this many pixels in each direction (the background fills in). */
    public static final int MAX_SHIFT = 2;
    public static final int BATCH = 64;
    public static final double LEARNING_RATE = 1e-3;

    private static final long SHIFT_DOMAIN = 0x5348494654L; // "SHIFT": a stream apart from the loader's

    private DigitClassifierTraining() {
    }

    /** The split of the embedded digits: {training (9,000), test ({@value #TEST_DIGITS})}. */
    public static Dataset.Split split() {
        return Mnist.embedded().split(TEST_DIGITS, SEED);
    }

    /**
     * Trains a new classifier on {@code train} for {@code epochs} epochs on {@code device}, printing the mean loss of
     * each epoch to {@code log} (or nothing when null). Returns it in evaluation mode.
     */
    public static DigitClassifier train(ImageDataset train, int epochs, Device device, PrintStream log) {
        DigitClassifier net = new DigitClassifier(ModuleOptions.of(new Generator(SEED)).withDevice(device));
        Optimizer adam = new Adam(List.of(ParamGroup.of(LEARNING_RATE, net.parameters())));
        DataLoader loader = DataLoader.shuffled(train, BATCH, SEED);
        long batch = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            if (epochs > FINE_EPOCHS && epoch == epochs - FINE_EPOCHS) { // a short run stays at the full rate
                adam.setLearningRate(0, LEARNING_RATE / 10);
            }
            double lossSum = 0;
            int batches = loader.batchesPerEpoch();
            for (int b = 0; b < batches; b++, batch++) {
                try (TensorScope scope = TensorScope.open()) {
                    int[] indices = loader.indices(batch);
                    Tensor x = shifted(train, indices, batch).to(device);
                    Tensor loss = crossEntropy(net.forward(x), labels(train, indices, device));
                    adam.zeroGrad();
                    Autograd.backward(loss);
                    adam.step();
                    lossSum += loss.item();
                }
            }
            if (log != null) {
                log.printf(Locale.ROOT, "epoch %d: mean cross-entropy %.4f%n", epoch + 1, lossSum / batches);
            }
        }
        net.eval();
        return net;
    }

    /** The fraction of {@code data}'s images whose largest logit is at their label. */
    public static double accuracy(DigitClassifier net, ImageDataset data, Device device) {
        int[] correct = {0};
        DigitScores.inChunks(data, device, (indices, images) -> {
            float[] logits = net.forward(images).toFloatArray();
            for (int i = 0; i < indices.length; i++) {
                if (argmax(logits, i * DigitClassifier.CLASSES, DigitClassifier.CLASSES) == data.label(indices[i])) {
                    correct[0]++;
                }
            }
        });
        return (double) correct[0] / data.size();
    }

    /** Mean over the batch of -log softmax(logits)[label]; logits [N, 10], oneHot [N, 10]. */
    static Tensor crossEntropy(Tensor logits, Tensor oneHot) {
        return DigitClassifier.logSoftmax(logits).mul(oneHot).sum().mul(-1.0 / logits.size(0));
    }

    /**
     * Images [N, 1, 28, 28] of {@code indices}, each moved by (dy, dx) in [-MAX_SHIFT, MAX_SHIFT]^2 drawn from Philox
     * stream {@code SEED ^ SHIFT_DOMAIN} at block (batch * BATCH + i) * 2 (dy) and + 1 (dx); pixels moved in from
     * outside are background (-1, the value of a 0 byte).
     */
    private static Tensor shifted(ImageDataset data, int[] indices, long batch) {
        final int h = 28;
        final int w = 28;
        float[] out = new float[indices.length * h * w];
        java.util.Arrays.fill(out, -1f);
        for (int i = 0; i < indices.length; i++) {
            long block = (batch * BATCH + i) * 2;
            int dy = (int) (Philox.uniformDouble(SEED ^ SHIFT_DOMAIN, block) * (2 * MAX_SHIFT + 1)) - MAX_SHIFT;
            int dx = (int) (Philox.uniformDouble(SEED ^ SHIFT_DOMAIN, block + 1) * (2 * MAX_SHIFT + 1)) - MAX_SHIFT;
            for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
                for (int x = Math.max(0, dx); x < Math.min(w, w + dx); x++) {
                    out[(i * h + y) * w + x] = (float) (data.pixel(indices[i], 0, y - dy, x - dx) / 127.5 - 1.0);
                }
            }
        }
        return Tensor.of(out, indices.length, 1, h, w);
    }

    /** One-hot rows [N, 10] of the labels of {@code indices}. */
    private static Tensor labels(ImageDataset data, int[] indices, Device device) {
        float[] oneHot = new float[indices.length * DigitClassifier.CLASSES];
        for (int i = 0; i < indices.length; i++) {
            oneHot[i * DigitClassifier.CLASSES + data.label(indices[i])] = 1f;
        }
        return Tensor.of(oneHot, indices.length, DigitClassifier.CLASSES).to(device);
    }

    /** The index of the largest of v[from .. from + n) (the first on ties). */
    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (v[from + k] > v[from + best]) {
                best = k;
            }
        }
        return best;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DigitClassifierTraining OUT.safetensors");
            System.exit(2);
        }
        Dataset.Split s = split();
        ImageDataset train = (ImageDataset) s.train();
        ImageDataset test = (ImageDataset) s.heldOut();
        long t0 = System.nanoTime();
        DigitClassifier net = train(train, EPOCHS, Device.CPU, System.out);
        double accuracy = accuracy(net, test, Device.CPU);
        System.out.printf(Locale.ROOT, "test accuracy %.4f (%d digits); trained in %.0f s%n", accuracy, test.size(),
                (System.nanoTime() - t0) / 1e9);
        net.saveWeights(Path.of(args[0]), Map.of(
                "recipe", "io.gcgan.metrics.DigitClassifierTraining: embedded MNIST, split seed " + SEED + ", "
                        + EPOCHS + " epochs (the last " + FINE_EPOCHS + " at lr / 10), batch " + BATCH + ", Adam lr "
                        + LEARNING_RATE + ", shifts up to " + MAX_SHIFT + " pixels",
                "test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy)));
    }
}
