package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.metrics.DigitClassifier;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A forward through a module whose parameters or buffers were freed with the TensorScope they were made in names the
 * module (by its qualified name), the entry and the cause. Before, the backend's check said only "conv2dForward: a
 * 512 x float32 storage on cpu was used after its scope closed", and a BatchNorm had already counted the batch.
 */
class FreedStateTest {

    private static final ModuleOptions OPTS = ModuleOptions.of(new Generator(3));
    private static final String CAUSE = " was freed with the TensorScope it was made in; make a model outside the"
            + " scopes of its steps";

    /** {@code build} run inside a TensorScope that closes before it returns. */
    private static <M extends Module> M builtInAClosedScope(Supplier<M> build) {
        try (TensorScope scope = TensorScope.open()) {
            return build.get();
        }
    }

    private static String forwardError(Module m, Tensor x) {
        return assertThrows(IllegalStateException.class, () -> m.forward(x)).getMessage();
    }

    @Test
    void aLayerInsideAModelIsNamedByItsQualifiedName() {
        DigitClassifier c = builtInAClosedScope(() -> new DigitClassifier(OPTS));
        assertEquals("Conv2d 'features.0': parameter 'weight' (shape [32, 1, 4, 4])" + CAUSE,
                forwardError(c, Tensor.zeros(2, 1, 28, 28)));
        assertEquals("Linear 'head': parameter 'weight' (shape [10, 64])" + CAUSE,
                assertThrows(IllegalStateException.class, () -> c.logits(Tensor.zeros(2, 64))).getMessage());
    }

    @Test
    void aLayerOfNoModelIsNamedByItsClass() {
        Linear fc = builtInAClosedScope(() -> new Linear(2, 3, true, OPTS));
        assertEquals("Linear: parameter 'weight' (shape [3, 2])" + CAUSE, forwardError(fc, Tensor.zeros(4, 2)));
        ConvTranspose2d up = builtInAClosedScope(() -> new ConvTranspose2d(2, 3, 4, 2, 1, false, OPTS));
        assertEquals("ConvTranspose2d: parameter 'weight' (shape [2, 3, 4, 4])" + CAUSE,
                forwardError(up, Tensor.zeros(1, 2, 3, 3)));
    }

    @Test
    void aFreedBufferIsNamedBeforeBatchNormCountsTheBatch() {
        Sequential m = builtInAClosedScope(() -> new Sequential(new ReLU(),
                new BatchNorm2d(2, 1e-5, 0.1, false, true, OPTS)));
        assertEquals("BatchNorm2d '1': buffer 'running_mean' (shape [2])" + CAUSE,
                forwardError(m, Tensor.ones(3, 2, 2, 2)));
        assertEquals(0, ((BatchNorm) m.get(1)).numBatchesTracked(), "the failed forward counted no batch");
    }

    @Test
    void spectralNormNamesItsOwnParameters() {
        Sequential m = builtInAClosedScope(() -> new Sequential(
                SpectralNorm.wrap(new Conv2d(1, 2, 3, 1, 1, true, OPTS), new Generator(1))));
        assertEquals("SpectralNorm '0': parameter 'bias' (shape [2])" + CAUSE,
                forwardError(m, Tensor.zeros(1, 1, 4, 4)));
    }

    @Test
    void aSharedModuleIsNamedByItsFirstRegistration() {
        Linear shared = builtInAClosedScope(() -> new Linear(2, 2, false, OPTS));
        Sequential first = new Sequential(new Sequential(new ReLU(), shared));
        Sequential second = new Sequential(shared);
        String expected = "Linear '0.1': parameter 'weight' (shape [2, 2])" + CAUSE;
        assertEquals(expected, forwardError(first, Tensor.zeros(1, 2)));
        assertEquals(expected, forwardError(second, Tensor.zeros(1, 2)));
    }

    @Test
    void aModelBuiltOutsideTheStepScopesRunsInEachStep() {
        Sequential m = new Sequential(new Linear(2, 3, true, OPTS), new BatchNorm1d(3, OPTS));
        for (int step = 0; step < 2; step++) {
            try (TensorScope scope = TensorScope.open()) {
                assertArrayEquals(new long[] {4, 3}, m.forward(Tensor.ones(4, 2)).shape());
            }
        }
        assertEquals(2, ((BatchNorm) m.get(1)).numBatchesTracked());
    }
}
