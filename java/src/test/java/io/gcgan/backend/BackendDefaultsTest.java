package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The defaults of the backend interfaces: a backend that does not implement capture is never capturing and refuses
 * both ends of one by name, and {@link BinaryOp#isComparison} covers EQ to GE (the ops that write a 0/1 mask).
 * Mutation testing (PIT) found the default {@code capturing()} uncovered (every backend of the tests overrides it)
 * and the comparison bound movable by one (EQ would then compute as an arithmetic op).
 */
class BackendDefaultsTest {

    /** A backend described as "stub" whose capture methods are the interface's defaults. */
    private static Backend withoutCapture() {
        InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
            case "description" -> "stub";
            case "beginCapture", "endCapture", "capturing" -> InvocationHandler.invokeDefault(proxy, method, args);
            default -> throw new UnsupportedOperationException(method.getName());
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }

    @Test
    void aBackendWithoutCaptureIsNeverCapturingAndRefusesByName() {
        Backend b = withoutCapture();
        assertFalse(b.capturing());
        UnsupportedOperationException begin = assertThrows(UnsupportedOperationException.class, b::beginCapture);
        assertEquals("stub cannot capture calls", begin.getMessage());
        assertFalse(b.capturing(), "still not capturing after the refusal");
        IllegalStateException end = assertThrows(IllegalStateException.class, b::endCapture);
        assertEquals("stub is not capturing", end.getMessage());
    }

    @Test
    void theComparisonsAreEqToGe() {
        EnumSet<BinaryOp> comparisons = EnumSet.range(BinaryOp.EQ, BinaryOp.GE);
        assertEquals(6, comparisons.size());
        for (BinaryOp op : BinaryOp.values()) {
            assertEquals(comparisons.contains(op), op.isComparison(), op.name());
        }
        assertTrue(BinaryOp.EQ.isComparison(), "the first comparison");
    }
}
