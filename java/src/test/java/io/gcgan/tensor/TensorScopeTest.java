package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Lifetime;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TensorScope: frees at close, keep() survives, nesting is strictly innermost-first and per thread. */
class TensorScopeTest {

    @AfterEach
    void noScopeLeftOpen() {
        assertSame(Lifetime.AUTOMATIC, TensorScope.current(), "a test left a scope open on this thread");
    }

    @Test
    void tensorsAreFreedAtCloseAndUseAfterCloseThrows() {
        Tensor t;
        Tensor r;
        try (TensorScope scope = TensorScope.open()) {
            assertSame(scope, TensorScope.current());
            t = Tensor.ones(2, 3);
            r = t.reshape(6);
            assertEquals(6.0, t.sum().item(), 0.0);
            assertTrue(scope.isOpen());
        }
        Tensor other = Tensor.ones(2, 3);
        assertThrows(IllegalStateException.class, t::toFloatArray);
        assertThrows(IllegalStateException.class, t::toDoubleArray);
        assertThrows(IllegalStateException.class, () -> t.add(other));
        assertThrows(IllegalStateException.class, () -> other.add(t));
        assertThrows(IllegalStateException.class, () -> t.sum().item());
        assertThrows(IllegalStateException.class, r::toFloatArray, "a reshape shares the freed storage");
        assertThrows(IllegalStateException.class, () -> t.permute(1, 0));
        assertThrows(IllegalStateException.class, t::copy);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, other.toDoubleArray(), "tensors outside the scope live on");
        String text = t.toString(); // printing a freed tensor must not throw; it shows no values
        assertTrue(text.contains("[2, 3]") && !text.contains("values"), text);
    }

    @Test
    void toStringShowsShapeDtypeDeviceAndSmallValues() {
        String small = Tensor.of(new double[] {1.5, -2}, 2).toString();
        assertTrue(small.contains("shape=[2]") && small.contains("float64") && small.contains("cpu")
                && small.contains("1.5") && small.contains("-2.0"), small);
        String big = Tensor.zeros(3, 3).toString();
        assertTrue(big.contains("shape=[3, 3]") && big.contains("float32") && !big.contains("values"), big);
    }

    @Test
    void keepSurvivesTheScope() {
        Tensor kept;
        Tensor inner;
        try (TensorScope scope = TensorScope.open()) {
            inner = Tensor.arange(4).mul(2.0);
            kept = scope.keep(inner);
            assertSame(scope, TensorScope.current(), "keep() leaves the scope current");
            Tensor after = Tensor.zeros(1); // still allocated in the scope
            assertTrue(after.numel() == 1);
        }
        assertArrayEquals(new double[] {0, 2, 4, 6}, kept.toDoubleArray());
        assertThrows(IllegalStateException.class, inner::toDoubleArray, "the original is freed");
    }

    @Test
    void aKeptTensorIsDetachedFromTheScopesGraph() {
        Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor kept;
        try (TensorScope scope = TensorScope.open()) {
            kept = scope.keep(w.square().sum());
        }
        assertTrue(kept.isLeaf() && !kept.requiresGrad(), "no graph into the closed scope");
        assertArrayEquals(new double[] {5}, kept.toDoubleArray());
    }

    @Test
    void keepCopiesIntoTheEnclosingScope() {
        try (TensorScope outer = TensorScope.open()) {
            Tensor kept;
            try (TensorScope inner = TensorScope.open()) {
                kept = inner.keep(Tensor.full(3.0, 2));
            }
            assertArrayEquals(new double[] {3, 3}, kept.toDoubleArray(), "kept survives the inner close");
            outer.close();
            assertThrows(IllegalStateException.class, kept::toDoubleArray, "kept belongs to the outer scope");
        }
    }

    @Test
    void nestedScopesCloseInnermostFirst() {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        Tensor a = Tensor.ones(3);
        assertThrows(IllegalStateException.class, () -> outer.keep(a), "keep() on a scope that is not innermost");
        inner.close();
        assertFalse(inner.isOpen());
        assertThrows(IllegalStateException.class, a::toDoubleArray);
        assertSame(outer, TensorScope.current());
        Tensor b = Tensor.ones(2);
        outer.close();
        assertThrows(IllegalStateException.class, b::toDoubleArray);
        outer.close(); // closing twice is a no-op
        assertSame(Lifetime.AUTOMATIC, TensorScope.current());
    }

    @Test
    void closingAScopeWhoseInnerScopesWereLeftOpenClosesThemAllAndSaysSo() {
        TensorScope base = TensorScope.open();
        TensorScope outer = TensorScope.open();
        Tensor inOuter = Tensor.ones(2);
        TensorScope inner = TensorScope.open();
        TensorScope innermost = TensorScope.open();
        Tensor inInnermost = Tensor.ones(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("innermost first") && e.getMessage().contains("2 scopes"), e.getMessage());
        assertFalse(innermost.isOpen() || inner.isOpen() || outer.isOpen(), "the left-open scopes and this one");
        assertThrows(IllegalStateException.class, inInnermost::toDoubleArray, "their tensors are freed");
        assertThrows(IllegalStateException.class, inOuter::toDoubleArray);
        assertSame(base, TensorScope.current(), "the enclosing scope is current again");
        assertTrue(base.isOpen());
        Tensor inBase = Tensor.ones(1);
        base.close();
        assertThrows(IllegalStateException.class, inBase::toDoubleArray, "later tensors go to the right scope");
        innermost.close(); // closed scopes close as no-ops
        outer.close();
    }

    @Test
    void closedScopeRefusesAllocations() {
        TensorScope scope = TensorScope.open();
        scope.close();
        assertThrows(IllegalStateException.class, scope::arena);
        assertThrows(IllegalStateException.class, () -> scope.onClose(() -> { }));
    }

    @Test
    void releasesRunAtCloseInReverseOrder() {
        StringBuilder order = new StringBuilder();
        try (TensorScope scope = TensorScope.open()) {
            scope.onClose(() -> order.append('a'));
            scope.onClose(() -> order.append('b'));
            assertEquals("", order.toString());
        }
        assertEquals("ba", order.toString());
    }

    @Test
    void scopeMustBeClosedByItsThread() throws InterruptedException {
        TensorScope scope = TensorScope.open();
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    scope.close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            other.start();
            other.join();
            assertTrue(thrown.get() instanceof IllegalStateException, "closing from another thread: " + thrown.get());
            assertTrue(scope.isOpen());
        } finally {
            scope.close();
        }
    }

    @Test
    void scopesArePerThread() throws InterruptedException {
        try (TensorScope scope = TensorScope.open()) {
            AtomicReference<Object> seen = new AtomicReference<>();
            Thread other = new Thread(() -> seen.set(TensorScope.current()));
            other.start();
            other.join();
            assertSame(Lifetime.AUTOMATIC, seen.get(), "another thread does not see this thread's scope");
            assertSame(scope, TensorScope.current());
        }
    }
}
