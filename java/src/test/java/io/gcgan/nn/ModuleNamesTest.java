package io.gcgan.nn;

import static io.gcgan.nn.PyTorchModels.DCGAN64_D;
import static io.gcgan.nn.PyTorchModels.DCGAN64_G;
import static io.gcgan.nn.PyTorchModels.DCGAN64_G_REPR;
import static io.gcgan.nn.PyTorchModels.MNIST28_D;
import static io.gcgan.nn.PyTorchModels.MNIST28_D_REPR;
import static io.gcgan.nn.PyTorchModels.MNIST28_G;
import static io.gcgan.nn.PyTorchModels.keysAndShapes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * State-dict names and shapes of the reference models against PyTorch's (PyTorchModels); module reprs;
 * registration, modes and gradients.
 */
class ModuleNamesTest {

    private static final ModuleOptions OPTS = ModuleOptions.of(new Generator(7));

    @Test
    void dcgan64GeneratorStateDictMatchesPyTorch() {
        var g = ReferenceModels.dcgan64G(OPTS);
        assertEquals(DCGAN64_G, keysAndShapes(g.stateDict()));
        Tensor z = Tensor.randn(new Generator(1), 2, 100, 1, 1);
        assertArrayEquals(new long[] {2, 3, 64, 64}, g.forward(z).shape());
    }

    @Test
    void dcgan64DiscriminatorStateDictMatchesPyTorch() {
        var d = ReferenceModels.dcgan64D(OPTS);
        assertEquals(DCGAN64_D, keysAndShapes(d.stateDict()));
        Tensor x = Tensor.randn(new Generator(1), 2, 3, 64, 64);
        Tensor y = d.forward(x);
        assertArrayEquals(new long[] {2, 1, 1, 1}, y.shape());
        for (double v : y.toDoubleArray()) {
            assertTrue(v > 0 && v < 1, "sigmoid output " + v);
        }
    }

    @Test
    void dcgan64ParameterCountsMatchTheDesign() {
        // DESIGN.md: one optimizer step over dcgan64's G+D parameters is 6.34M floats in 24 tensors.
        var g = ReferenceModels.dcgan64G(OPTS);
        var d = ReferenceModels.dcgan64D(OPTS);
        assertEquals(13, g.parameters().size());
        assertEquals(11, d.parameters().size());
        assertEquals(3_576_704L, g.parameterCount());
        assertEquals(2_765_568L, d.parameterCount());
        assertEquals(6_342_272L, g.parameterCount() + d.parameterCount());
    }

    @Test
    void mnist28StateDictsMatchThePeer() {
        var g = ReferenceModels.mnist28G(OPTS);
        var d = ReferenceModels.mnist28D(OPTS);
        assertEquals(MNIST28_G, keysAndShapes(g.stateDict()));
        assertEquals(MNIST28_D, keysAndShapes(d.stateDict()));
        Tensor fake = g.forward(Tensor.randn(new Generator(2), 3, 100));
        assertArrayEquals(new long[] {3, 1, 28, 28}, fake.shape());
        assertArrayEquals(new long[] {3, 1}, d.forward(fake).shape());
    }

    @Test
    void parametersAndBuffersAreSeparatedInPyTorchOrder() {
        var g = ReferenceModels.mnist28G(OPTS);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "5.weight", "5.bias",
                "7.weight", "7.bias"), new ArrayList<>(g.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked", "5.running_mean",
                "5.running_var", "5.num_batches_tracked"), new ArrayList<>(g.namedBuffers().keySet()));
        for (Tensor p : g.parameters()) {
            assertTrue(p.requiresGrad() && p.isLeaf());
        }
        for (Tensor b : g.namedBuffers().values()) {
            assertFalse(b.requiresGrad());
        }
        assertEquals(List.of("", "0", "1", "2", "3", "4", "5", "6", "7", "8"),
                new ArrayList<>(g.namedModules().keySet()));
        // state dict parameters share storage with the module but record nothing
        Tensor w = g.stateDict().get("0.weight");
        assertSame(((Linear) g.get(0)).weight().storage(), w.storage());
        assertFalse(w.requiresGrad());
    }

    @Test
    void reprLooksLikePyTorch() {
        var g = new ReferenceModels.Generator(100, 64, 3, OPTS);
        assertEquals(DCGAN64_G_REPR, g.toString());
        var d = ReferenceModels.mnist28D(OPTS);
        assertEquals(MNIST28_D_REPR, d.toString());
        assertEquals("Reshape(shape=(128, 7, 7))", new Reshape(128, 7, 7).toString());
        assertEquals("BatchNorm1d(3, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
                new BatchNorm1d(3, 1e-3, null, false, false, OPTS).toString());
        assertEquals("ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))",
                new ConvTranspose2d(2, 3, 3, 2, 0, 1, true, OPTS).toString());
        assertEquals("Sequential()", new Sequential().toString());
    }

    @Test
    void trainAndEvalReachEveryModule() {
        var d = ReferenceModels.dcgan64D(OPTS);
        assertTrue(d.isTraining());
        d.eval();
        for (Module m : d.namedModules().values()) {
            assertFalse(m.isTraining(), m.toString());
        }
        d.train();
        for (Module m : d.namedModules().values()) {
            assertTrue(m.isTraining(), m.toString());
        }
    }

    @Test
    void zeroGradZeroesEveryParameterGradient() {
        var d = ReferenceModels.mnist28D(OPTS);
        Tensor x = Tensor.randn(new Generator(3), 2, 1, 28, 28);
        Autograd.backward(d.forward(x).sum());
        for (Tensor p : d.parameters()) {
            assertNotNull(p.grad(), "every parameter gets a gradient");
        }
        d.zeroGrad();
        for (Tensor p : d.parameters()) {
            for (double v : p.grad().toDoubleArray()) {
                assertEquals(0.0, v);
            }
        }
        d.clearGrad();
        for (Tensor p : d.parameters()) {
            assertNull(p.grad());
        }
    }

    @Test
    void registrationRejectsBadAndDuplicateNames() {
        class Bad extends Module {
            Bad(String second) {
                registerParameter("w", Tensor.zeros(2));
                registerBuffer(second, Tensor.zeros(2));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        var dup = assertThrows(IllegalArgumentException.class, () -> new Bad("w"));
        assertTrue(dup.getMessage().contains("already has an attribute named 'w'"), dup.getMessage());
        var dot = assertThrows(IllegalArgumentException.class, () -> new Bad("a.b"));
        assertTrue(dot.getMessage().contains("'a.b'"), dot.getMessage());
    }

    @Test
    void sharedParametersAreListedOnce() {
        var shared = new Linear(3, 3, false, OPTS);
        var seq = new Sequential(shared, new ReLU(), shared);
        assertEquals(List.of("0.weight"), new ArrayList<>(seq.namedParameters().keySet()));
        assertEquals(List.of("0.weight", "2.weight"), new ArrayList<>(seq.stateDict().keySet()));
    }

    @Test
    void loadStateDictIsStrictAndAtomic() {
        var a = ReferenceModels.mnist28D(ModuleOptions.of(new Generator(1)));
        var b = ReferenceModels.mnist28D(ModuleOptions.of(new Generator(2)));
        b.loadStateDict(a.stateDict());
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), b.stateDict().get(k).toDoubleArray(), k));

        var c = ReferenceModels.mnist28D(ModuleOptions.of(new Generator(3)));
        double[] before = c.stateDict().get("0.weight").toDoubleArray();
        var state = new java.util.LinkedHashMap<>(a.stateDict());
        state.remove("5.bias");
        state.put("6.bias", Tensor.zeros(1));
        var e = assertThrows(IllegalArgumentException.class, () -> c.loadStateDict(state));
        assertTrue(e.getMessage().contains("missing [5.bias]") && e.getMessage().contains("unexpected [6.bias]"),
                e.getMessage());
        assertArrayEquals(before, c.stateDict().get("0.weight").toDoubleArray(), "unchanged after a failed load");
    }
}
