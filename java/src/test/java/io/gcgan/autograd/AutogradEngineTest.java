package io.gcgan.autograd;

import static io.gcgan.autograd.Fixtures.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.ProfilingBackend;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.Sgd;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's bookkeeping: accumulation, graph shapes, modes, refusals, depth and lifetimes. */
class AutogradEngineTest {

    private static final double TOL = 1e-12;

    private static void assertValues(String what, double[] expected, Tensor got) {
        assertNotNull(got, what + ": no gradient");
        assertArrayEquals(expected, got.toDoubleArray(), TOL, what);
    }

    private static double[] scaled(double[] v, double s) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= s;
        }
        return out;
    }

    private static Tensor leaf(double... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    // ---- accumulation ------------------------------------------------------------------------------------

    @Test
    void backwardAccumulatesAcrossCalls() {
        Tensor x = leaf(1, -2, 3);
        assertNull(x.grad(), "no gradient before backward");
        Autograd.backward(x.square().sum());
        double[] once = {2, -4, 6};
        assertValues("after one backward", once, x.grad());
        Autograd.backward(x.square().sum());
        assertValues("after two backward calls (doubled)", scaled(once, 2), x.grad());
    }

    @Test
    void zeroGradAndClearGrad() {
        Tensor x = leaf(1, -2, 3);
        Autograd.backward(x.square().sum());
        Tensor g = x.grad();
        x.zeroGrad();
        assertValues("after zeroGrad", new double[3], x.grad());
        Autograd.backward(x.mul(3.0).sum());
        assertValues("backward after zeroGrad starts from zero", new double[] {3, 3, 3}, x.grad());
        assertSame(g, x.grad(), "zeroGrad keeps the gradient's memory (updated in place)");
        x.clearGrad();
        assertNull(x.grad(), "after clearGrad");
        Autograd.backward(x.mul(5.0).sum());
        assertValues("backward after clearGrad", new double[] {5, 5, 5}, x.grad());
        assertDoesNotThrow(() -> leaf(1).zeroGrad(), "zeroGrad without a gradient");
    }

    @Test
    void zeroGradWritesNothingAndTheNextBackwardCopiesItsGradientIn() {
        ProfilingBackend p = new ProfilingBackend(CpuBackend.instance());
        Backends.install(p); // before the tensors are made: they belong to the backend that makes them
        try {
            Tensor x = leaf(1, -2, 3);
            Tensor y = leaf(4, 5, 6);
            Autograd.backward(x.square().sum().add(y.sum()));
            Autograd.backward(leaf(0, 0, 0).mul(3.0).sum()); // makes the shared scalar constants of the expression
            Tensor fresh = leaf(7, 8, 9); // its first gradient is copied in: the calls to compare with
            p.reset();
            Autograd.backward(fresh.mul(3.0).sum());
            long fills = calls(p, "fill");
            long adds = calls(p, "binary ADD");
            p.reset();
            x.zeroGrad();
            y.zeroGrad();
            assertEquals(List.of(), p.entries(), "zeroGrad issues no backend call");
            Autograd.backward(x.mul(3.0).sum()); // y gets no gradient from this pass
            assertEquals(fills, calls(p, "fill"), "no zero fill of x's gradient: " + p.entries());
            assertEquals(adds, calls(p, "binary ADD"), "no add into x's gradient: " + p.entries());
            assertValues("x: the new gradient alone", new double[] {3, 3, 3}, x.grad());
            p.reset();
            assertValues("y: zeros, written when read", new double[3], y.grad());
            assertEquals(1, calls(p, "fill"), p.entries().toString());
            Autograd.backward(x.mul(2.0).sum());
            assertValues("x: a second pass adds", new double[] {5, 5, 5}, x.grad());
        } finally {
            Backends.uninstall(Device.CPU);
        }
    }

    @Test
    void aDerivativeWhoseValuesWereWrittenInPlaceSinceIsRefused() {
        // An input written after the operation used it.
        Tensor w = leaf(1, 2);
        Tensor x = Tensor.of(new double[] {3, 4}, 2);
        Tensor loss = w.mul(x).sum();
        x.assign(Tensor.of(new double[] {5, 6}, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
        assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("by assign"), e.getMessage());
        // The result written through a view that shares its storage.
        Tensor v = leaf(0.5, -1);
        Tensor exp = v.exp();
        exp.detach().mulInPlace(0);
        e = assertThrows(IllegalStateException.class, () -> Autograd.backward(exp.sum()));
        assertTrue(e.getMessage().contains("its result") && e.getMessage().contains("by mulInPlace"),
                e.getMessage());
        // A parameter updated by an optimizer between the forward pass and the backward pass (stepping D before
        // G's loss is differentiated through it).
        Tensor p = leaf(1, -1);
        Tensor out = p.mul(p).sum();
        Optimizer sgd = new Sgd(List.of(ParamGroup.of(0.1, List.of(p))));
        Autograd.backward(p.sum());
        sgd.step();
        e = assertThrows(IllegalStateException.class, () -> Autograd.backward(out));
        assertTrue(e.getMessage().contains("by an optimizer step"), e.getMessage());
        // Without a write in between, the same graph differentiates.
        Tensor q = leaf(1, -1);
        Autograd.backward(q.mul(q).sum());
        assertValues("no write: d(q.q)/dq", new double[] {2, -2}, q.grad());
    }

    @Test
    void aMissingSeedIsOneForOneElementOutputsAndNamedOtherwise() {
        Tensor x = leaf(1, -2);
        Autograd.backward(x.square().sum(), null);
        assertValues("backward(loss, null)", new double[] {2, -4}, x.grad());
        List<Tensor> g = Autograd.grad(List.of(x.square().sum()), List.of(x), null, false);
        assertArrayEquals(new double[] {2, -4}, g.get(0).toDoubleArray(), TOL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(List.of(x.square()), List.of(x), null, false));
        assertTrue(e.getMessage().contains("no output gradients given") && e.getMessage().contains("[2]"),
                e.getMessage());
        Tensor p = leaf(1, 2);
        e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(ParamGroup.of(0.1, List.of(leaf(0), p, p)))));
        assertTrue(e.getMessage().contains("parameter 2 of group 0 (shape [2]) appears more than once"),
                e.getMessage());
    }

    @Test
    void termsOfALeafAreAddedStraightIntoAGradientThatHoldsNothingYet() {
        ProfilingBackend p = new ProfilingBackend(CpuBackend.instance());
        Backends.install(p);
        try (TensorScope scope = TensorScope.open()) {
            Tensor w = leaf(0, 0, 0);
            Tensor a = Tensor.of(new double[] {0.1, -2, 1e8}, 3);
            Tensor b = Tensor.of(new double[] {0.2, 3, -1e8}, 3);
            Tensor c = Tensor.of(new double[] {0.3, 0.5, 1}, 3);
            Tensor expected = a.add(b).add(c); // the sum in order, as the engine formed it before
            w.accumulateGrad(a);
            Tensor g = w.grad();
            w.zeroGrad();
            p.reset();
            w.accumulateGrad(List.of(a, b));
            assertEquals(List.of("binary ADD"), p.entries().stream().map(ProfilingBackend.Entry::name).toList(),
                    "one add into the gradient, no temporary and no copy");
            assertSame(g, w.grad(), "the gradient's memory");
            assertArrayEquals(a.add(b).toDoubleArray(), w.grad().toDoubleArray(), 0);
            w.zeroGrad();
            w.accumulateGrad(List.of(a, b, c));
            assertArrayEquals(expected.toDoubleArray(), w.grad().toDoubleArray(), 0, "three terms, in order");
            w.accumulateGrad(List.of(a, b, c)); // not pending: adds the terms' sum
            assertArrayEquals(expected.add(expected).toDoubleArray(), w.grad().toDoubleArray(), 0);
            Tensor fresh = leaf(0, 0, 0);
            fresh.accumulateGrad(List.of(c, a));
            assertArrayEquals(c.add(a).toDoubleArray(), fresh.grad().toDoubleArray(), 0, "no gradient yet");
            assertThrows(IllegalArgumentException.class, () -> fresh.accumulateGrad(List.of()));
            assertThrows(IllegalArgumentException.class, () -> fresh.accumulateGrad(List.of(a, leaf(1, 2))));
        } finally {
            Backends.uninstall(Device.CPU);
        }
    }

    private static long calls(ProfilingBackend p, String name) {
        return p.entries().stream().filter(e -> e.name().equals(name)).mapToLong(ProfilingBackend.Entry::calls).sum();
    }

    @Test
    void tensorUsedTwiceGetsTheSummedGradient() {
        // Diamond: a = 3x feeds both a^2 and tanh(a); dL/dx = 3 (2a + 1 - tanh(a)^2).
        double[] xv = {0.5, -1.5, 2};
        Tensor x = leaf(xv.clone());
        Tensor a = x.mul(3.0);
        Autograd.backward(a.square().add(a.tanh()).sum());
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double av = 3 * xv[i];
            double t = Math.tanh(av);
            expected[i] = 3 * (2 * av + 1 - t * t);
        }
        assertValues("diamond", expected, x.grad());

        // The same leaf as both operands, and as two inputs of one grad() call.
        Tensor y = leaf(xv.clone());
        Tensor z = leaf(2, 2, 2);
        List<Tensor> g = Autograd.grad(List.of(y.mul(y).mul(z).sum()), List.of(y, z),
                List.of(Tensor.ones(DType.FLOAT64, Device.CPU)), false);
        assertValues("x*x*z wrt x", new double[] {2, -6, 8}, g.get(0));
        assertValues("x*x*z wrt z", new double[] {0.25, 2.25, 4}, g.get(1));
    }

    @Test
    void backwardSeedsAllLeavesAndGradAcceptsSeveralOutputs() {
        Tensor a = leaf(1, 2);
        Tensor b = leaf(3, 4);
        Autograd.backward(a.mul(b).sum());
        assertValues("d(ab)/da", new double[] {3, 4}, a.grad());
        assertValues("d(ab)/db", new double[] {1, 2}, b.grad());

        // Two outputs with their own output gradients: sum_i gradOutputs[i] * d outputs[i] / dx.
        Tensor x = leaf(1, 2);
        Tensor y1 = x.mul(2.0);
        Tensor y2 = x.square();
        List<Tensor> g = Autograd.grad(List.of(y1, y2), List.of(x),
                List.of(Tensor.of(new double[] {1, 10}, 2), Tensor.of(new double[] {100, 1000}, 2)), false);
        assertValues("two outputs", new double[] {2 + 200, 20 + 4000}, g.get(0));

        // backward with an explicit output gradient for a non-scalar output.
        Tensor w = leaf(1, 2, 3);
        Autograd.backward(w.mul(2.0), Tensor.of(new double[] {1, 0, -1}, 3));
        assertValues("backward(output, gradOutput)", new double[] {2, 0, -2}, w.grad());
    }

    @Test
    void backwardTwiceOnTheSameGraphAccumulates() {
        Tensor x = leaf(0.5, -1);
        Tensor loss = x.exp().sum();
        Autograd.backward(loss);
        Autograd.backward(loss);
        assertValues("two backward passes over one graph", new double[] {2 * Math.exp(0.5), 2 * Math.exp(-1)},
                x.grad());
    }

    @Test
    void float32LeavesGetFloat32Gradients() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Autograd.backward(x.square().sum());
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new double[] {2, -4, 6}, x.grad().toDoubleArray(), 0);

        // Through a dtype conversion the gradient comes back in the leaf's dtype.
        Tensor y = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        Autograd.backward(y.to(DType.FLOAT64).mul(3.0).sum());
        assertEquals(DType.FLOAT32, y.grad().dtype());
        assertArrayEquals(new double[] {3, 3}, y.grad().toDoubleArray(), 0);
    }

    @Test
    void unrecordedBranchIsAConstant() {
        Tensor x = leaf(1, 2);
        Tensor z;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            z = x.mul(3.0);
        }
        // d/dx sum(2x * z) with z a constant 3x: 2z = 6x.
        Autograd.backward(x.mul(2.0).mul(z).sum());
        assertValues("recorded and unrecorded branches", new double[] {6, 12}, x.grad());
    }

    @Test
    void gradModeIsPerThread() throws Exception {
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            boolean[] other = new boolean[1];
            Thread t = new Thread(() -> other[0] = GradMode.isEnabled());
            t.start();
            t.join();
            assertTrue(other[0], "noGrad on one thread turned recording off on another");
        }
    }

    @Test
    void tiesFollowTheDocumentedRules() {
        // maximum/minimum: on ties the gradient goes to the first operand.
        Tensor a = leaf(1, 2);
        Tensor b = leaf(1, 3);
        Autograd.backward(a.maximum(b).sum());
        assertValues("maximum tie: a", new double[] {1, 0}, a.grad());
        assertValues("maximum tie: b", new double[] {0, 1}, b.grad());
        Tensor c = leaf(1, 2);
        Tensor d = leaf(1, 0);
        Autograd.backward(c.minimum(d).sum());
        assertValues("minimum tie: first", new double[] {1, 0}, c.grad());
        assertValues("minimum tie: second", new double[] {0, 1}, d.grad());
        // max reduction: shared equally among tied maxima.
        Tensor x = Tensor.of(new double[] {1, 3, 3, 2, 5, 5, 5, 0}, 2, 4).requiresGrad(true);
        Autograd.backward(x.max(new int[] {1}, false).sum());
        assertValues("max ties", new double[] {0, 0.5, 0.5, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0}, x.grad());
    }

    // ---- grad() ------------------------------------------------------------------------------------------

    @Test
    void gradDoesNotTouchLeafGradients() {
        Tensor x = leaf(1, 2);
        Tensor g = Autograd.grad(x.square().sum(), x, false);
        assertValues("grad", new double[] {2, 4}, g);
        assertNull(x.grad(), "grad() wrote into the leaf's gradient");

        Autograd.backward(x.sum());
        Autograd.grad(x.square().sum(), x, true);
        assertValues("grad(createGraph) left the accumulated gradient alone", new double[] {1, 1}, x.grad());
    }

    @Test
    void createGraphFalseResultsRequireNoGrad() {
        Tensor x = leaf(1, 2);
        Tensor w = Tensor.of(new double[] {3, 4}, 2).requiresGrad(true);
        Tensor g = Autograd.grad(x.mul(w).tanh().sum(), x, false);
        assertFalse(g.requiresGrad(), "createGraph=false result requires grad");
        assertTrue(g.isLeaf(), "createGraph=false result has a gradFn: " + g);

        Tensor gg = Autograd.grad(x.mul(w).tanh().sum(), x, true);
        assertTrue(gg.requiresGrad(), "createGraph=true result of a non-linear function must require grad");
        assertArrayEquals(g.toDoubleArray(), gg.toDoubleArray(), TOL, "same values with and without createGraph");
        assertTrue(GradMode.isEnabled(), "grad() left grad mode off");
    }

    @Test
    void gradWithRespectToAnIntermediate() {
        Tensor x = leaf(1, 2);
        Tensor a = x.exp();
        Tensor g = Autograd.grad(a.square().sum(), a, false);
        assertValues("d(a^2)/da", new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, g);
        assertNull(x.grad());
    }

    @Test
    void gradWithRespectToAnIntermediateAndItsLeafTogether() {
        Tensor x = leaf(1, 2);
        Tensor a = x.square();
        List<Tensor> g = Autograd.grad(List.of(a.mul(3.0).sum()), List.of(a, x),
                List.of(Tensor.ones(DType.FLOAT64, Device.CPU)), false);
        assertValues("d/da", new double[] {3, 3}, g.get(0));
        assertValues("d/dx", new double[] {6, 12}, g.get(1));
    }

    @Test
    void createGraphFalseWithAnOutputGradientThatRequiresGrad() {
        // Nothing is recorded without createGraph, whatever the output gradient is: even where the rule passes
        // the gradient through unchanged (copy, add of equal shapes), the result must not require grad.
        Tensor x = leaf(1, 2);
        Tensor v = leaf(5, 7);
        Tensor g = Autograd.grad(List.of(x.copy()), List.of(x), List.of(v), false).get(0);
        assertValues("vjp of copy", new double[] {5, 7}, g);
        assertFalse(g.requiresGrad(), "createGraph=false result requires grad: " + g);
    }

    @Test
    void createGraphFalseWithAnOutputGradientThatRequiresGradThroughAdd() {
        Tensor x = leaf(1, 2);
        Tensor v = leaf(5, 7);
        Tensor h = Autograd.grad(List.of(x.add(Tensor.of(new double[] {1, 1}, 2))), List.of(x), List.of(v), false)
                .get(0);
        assertValues("vjp of add", new double[] {5, 7}, h);
        assertFalse(h.requiresGrad(), "createGraph=false result requires grad: " + h);
    }

    @Test
    void gradWithRespectToAnUnusedInputThrows() {
        Tensor x = leaf(1, 2);
        Tensor unused = leaf(3, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(List.of(x.square().sum()), List.of(x, unused),
                        List.of(Tensor.ones(DType.FLOAT64, Device.CPU)), false));
        assertTrue(e.getMessage().contains("not used") && e.getMessage().contains("[3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Autograd.grad(x.square().sum(), unused, false));
    }

    @Test
    void gradWithRespectToATensorThatRequiresNoGradThrows() {
        Tensor x = leaf(1, 2);
        Tensor c = Tensor.of(new double[] {1, 1}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(x.mul(c).sum(), c, false));
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    // ---- modes and graph cuts ----------------------------------------------------------------------------

    @Test
    void noGradRecordsNothing() {
        Tensor x = leaf(1, 2);
        Tensor y;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            y = x.square().exp().sum();
            try (GradMode.Guard inner = GradMode.noGrad()) {
                assertFalse(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing a nested guard re-enabled recording");
        }
        assertTrue(GradMode.isEnabled(), "closing the guard did not restore recording");
        assertFalse(y.requiresGrad(), "result computed under noGrad requires grad");
        assertNull(y.gradFn(), "result computed under noGrad has a gradFn");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Autograd.backward(y));
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        assertTrue(x.square().requiresGrad(), "recording resumes after the guard");
    }

    @Test
    void detachStopsGradients() {
        Tensor x = leaf(1, -2);
        Tensor d = x.mul(2.0).detach();
        assertFalse(d.requiresGrad(), "detached tensor requires grad");
        assertTrue(d.isLeaf(), "detached tensor is not a leaf");
        assertArrayEquals(new double[] {2, -4}, d.toDoubleArray(), 0);
        // d(x * 2x_detached)/dx = 2x, not 4x.
        Autograd.backward(x.mul(d).sum());
        assertValues("through a detached factor", new double[] {2, -4}, x.grad());
    }

    @Test
    void requiresGradOnANonLeafThrows() {
        Tensor y = leaf(1, 2).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(true));
        assertTrue(e.getMessage().contains("exp"), e.getMessage());
        assertDoesNotThrow(() -> y.detach().requiresGrad(true));
    }

    @Test
    void backwardOnANonScalarThrows() {
        Tensor y = leaf(1, 2, 3).exp().reshape(3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Autograd.backward(y));
        assertTrue(e.getMessage().contains("[3, 1]") && e.getMessage().contains("non-scalar"), e.getMessage());
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(y, y, false));
        assertTrue(g.getMessage().contains("[3, 1]"), g.getMessage());
    }

    @Test
    void mismatchedOutputGradientThrows() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.exp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(List.of(y), List.of(x), List.of(Tensor.ones(DType.FLOAT64, Device.CPU, 2)),
                        false));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Autograd.grad(List.of(y), List.of(x), List.of(), false));
    }

    @Test
    void inPlaceAssignOnARequiresGradTensorThrowsOutsideNoGrad() {
        Tensor x = leaf(1, 2);
        Tensor src = Tensor.of(new double[] {5, 6}, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.assign(src));
        assertTrue(e.getMessage().contains("assign"), e.getMessage());
        assertArrayEquals(new double[] {1, 2}, x.toDoubleArray(), 0, "refused assign changed the values");
        Tensor y = x.exp();
        assertThrows(IllegalStateException.class, () -> y.assign(src), "assign on a recorded result");
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            x.assign(src); // an optimizer's update
        }
        assertArrayEquals(new double[] {5, 6}, x.toDoubleArray(), 0);
    }

    // ---- depth -------------------------------------------------------------------------------------------

    @Test
    void deepChainDoesNotOverflowTheStack() {
        int depth = 20000;
        double c = 1.00001;
        Tensor x = Tensor.of(new double[] {0.5}, 1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < depth; i++) {
            y = y.mul(c);
        }
        Tensor loss = y.sum();
        Autograd.backward(loss);
        double expected = Math.pow(c, depth);
        assertEquals(expected, x.grad().item(), 1e-9 * expected, "d(x c^n)/dx");

        // The same depth for a createGraph gradient and the backward through the recorded derivative:
        // d/dx (d(x^2 c^n)/dx) ... with y = x^2 c^n: g = 2 x c^n, dg/dx = 2 c^n.
        Tensor z = x.square();
        for (int i = 0; i < depth; i++) {
            z = z.mul(c);
        }
        Tensor g = Autograd.grad(z.sum(), x, true);
        assertEquals(2 * 0.5 * expected, g.item(), 1e-9 * expected, "first derivative");
        x.clearGrad();
        Autograd.backward(g.sum());
        assertEquals(2 * expected, x.grad().item(), 1e-9 * expected, "second derivative");
    }

    // ---- lifetimes ---------------------------------------------------------------------------------------

    @Test
    void leafGradientsSurviveTheScopeOfTheBackward() {
        Tensor w = randn(700, 2, 3).requiresGrad(true); // outside any scope
        double[] wv = w.toDoubleArray();
        try (TensorScope step = TensorScope.open()) {
            Autograd.backward(w.square().sum());
        }
        assertValues("gradient after its step scope closed", scaled(wv, 2), w.grad());
        try (TensorScope step = TensorScope.open()) {
            Autograd.backward(w.mul(3.0).sum());
        }
        double[] twice = scaled(wv, 2);
        for (int i = 0; i < twice.length; i++) {
            twice[i] += 3;
        }
        assertValues("accumulated over two scopes", twice, w.grad());

        // A parameter in a long-lived scope and a step scope nested in it.
        try (TensorScope params = TensorScope.open()) {
            Tensor p = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
            try (TensorScope step = TensorScope.open()) {
                Tensor x = Tensor.of(new double[] {3, 4}, 2);
                Autograd.backward(p.mul(x).sum());
            }
            assertValues("parameter gradient after the step scope", new double[] {3, 4}, p.grad());
            try (TensorScope step = TensorScope.open()) {
                Autograd.backward(p.square().sum());
            }
            assertValues("accumulated over two step scopes", new double[] {5, 8}, p.grad());
        }
    }

    @Test
    void createGraphGradientInsideAScope() {
        Tensor w = Tensor.of(new double[] {0.3, -0.7}, 2).requiresGrad(true);
        Tensor x = Tensor.of(new double[] {1.5, 2.5}, 2);
        try (TensorScope step = TensorScope.open()) {
            Tensor xs = x.detach().requiresGrad(true);
            Tensor g = Autograd.grad(xs.mul(w).tanh().sum(), xs, true);
            Autograd.backward(g.square().sum());
        }
        // P = sum (w_i (1 - tanh(w_i x_i)^2))^2; checked against finite differences.
        double[] expected = new double[2];
        double[] wv = {0.3, -0.7};
        double[] xv = {1.5, 2.5};
        for (int i = 0; i < 2; i++) {
            double e = 1e-6;
            expected[i] = (term(wv[i] + e, xv[i]) - term(wv[i] - e, xv[i])) / (2 * e);
        }
        assertArrayEquals(expected, w.grad().toDoubleArray(), 1e-7);
    }

    private static double term(double w, double x) {
        double t = Math.tanh(w * x);
        double g = w * (1 - t * t);
        return g * g;
    }

    @Test
    void backwardOfALeafScalarSeedsOne() {
        // d(loss)/d(loss) = 1 when the loss is itself a leaf that requires grad.
        Tensor x = Tensor.of(new double[] {2.5}, 1).requiresGrad(true);
        Autograd.backward(x);
        assertValues("backward of a leaf", new double[] {1}, x.grad());
    }

    /**
     * A backward pass after the forward pass's scope closed, through a rule that reads freed memory, names the
     * operation and the freed tensor: before, the error named only the backend call inside the rule ("binary MUL: a
     * 3 x float64 storage on cpu was used after its scope closed"), with no word of the backward pass. A rule that
     * reads nothing freed still runs (mul by a constant, then sum).
     */
    @Test
    void aBackwardPassThroughFreedTensorsNamesTheOperation() {
        Tensor w = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor loss;
        try (TensorScope scope = TensorScope.open()) {
            loss = w.exp().mul(w.exp()).sum();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
        assertEquals("the derivative of mul needs its input 0 (shape [3]), whose TensorScope has closed: run backward"
                + " (or Autograd.grad) before closing the scope the forward pass ran in, or keep() what the derivative"
                + " needs", e.getMessage());
        assertTrue(e.getCause().getMessage().contains("used after its scope closed"), e.getCause().getMessage());
        Tensor tanhSum;
        try (TensorScope scope = TensorScope.open()) {
            tanhSum = w.tanh().sum();
        }
        e = assertThrows(IllegalStateException.class, () -> Autograd.backward(tanhSum));
        assertTrue(e.getMessage().startsWith("the derivative of tanh needs its result, whose TensorScope has closed"),
                e.getMessage());
        Tensor scaled;
        try (TensorScope scope = TensorScope.open()) {
            scaled = w.mul(2).sum();
        }
        Autograd.backward(scaled);
        assertValues("a rule that reads nothing freed", new double[] {2, 2, 2}, w.grad());
    }

    @Test
    void aNullArgumentIsNamed() {
        Tensor x = Tensor.zeros(DType.FLOAT64, Device.CPU, 2).requiresGrad(true);
        Tensor y = x.sum();
        assertEquals("backward: loss", assertThrows(NullPointerException.class,
                () -> Autograd.backward(null)).getMessage());
        assertEquals("grad: input", assertThrows(NullPointerException.class,
                () -> Autograd.grad(y, null, false)).getMessage());
        assertEquals("grad: output", assertThrows(NullPointerException.class,
                () -> Autograd.grad(null, x, false)).getMessage());
    }
}
