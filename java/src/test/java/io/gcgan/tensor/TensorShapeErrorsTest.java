package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad shape, dtype, dim or range throws an IllegalArgumentException whose message names the operation and
 * the shapes involved (DESIGN.md / STYLE.md: "messages carry the shapes and values involved").
 */
class TensorShapeErrorsTest {

    /** Asserts {@code call} throws IllegalArgumentException with every one of {@code parts} in its message. */
    static void assertRejects(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call,
                "expected IllegalArgumentException mentioning " + List.of(parts));
        String msg = String.valueOf(e.getMessage());
        for (String p : parts) {
            assertTrue(msg.contains(p), "message \"" + msg + "\" should contain \"" + p + "\"");
        }
    }

    static Tensor z(long... shape) {
        return Tensor.zeros(shape);
    }

    static Tensor z64(long... shape) {
        return Tensor.zeros(DType.FLOAT64, Device.CPU, shape);
    }

    private record Op(String name, BiFunction<Tensor, Tensor, Tensor> f) {
    }

    private static final List<Op> BINARY = List.of(new Op("add", Tensor::add), new Op("sub", Tensor::sub),
            new Op("mul", Tensor::mul), new Op("div", Tensor::div), new Op("pow", Tensor::pow),
            new Op("max", Tensor::maximum), new Op("min", Tensor::minimum), new Op("eq", Tensor::eq),
            new Op("ne", Tensor::ne), new Op("lt", Tensor::lt), new Op("le", Tensor::le), new Op("gt", Tensor::gt),
            new Op("ge", Tensor::ge));

    @Test
    void binaryShapeMismatchNamesOpAndBothShapes() {
        for (Op op : BINARY) {
            assertRejects(() -> op.f.apply(z(2, 3), z(4)), op.name, "[2, 3]", "[4]");
            assertRejects(() -> op.f.apply(z(5, 1, 3), z(2, 4)), op.name, "[5, 1, 3]", "[2, 4]");
        }
    }

    @Test
    void binaryDtypeMismatchNamesOpAndBothDtypes() {
        for (Op op : BINARY) {
            assertRejects(() -> op.f.apply(z(2, 3), z64(2, 3)), op.name, "float32", "float64", "[2, 3]");
        }
        assertRejects(() -> Tensor.where(z(3), z64(3), z64(3)), "where", "float32", "float64");
        assertRejects(() -> Tensor.where(z64(3), z64(3), z(3)), "where", "float32", "float64");
        assertRejects(() -> z(2, 3).matmul(z64(3, 2)), "matmul", "float32", "float64");
        assertRejects(() -> Tensor.cat(0, z(2), z64(2)), "cat", "float32", "float64");
        assertRejects(() -> z(1, 1, 3, 3).convTranspose2d(z64(1, 1, 2, 2), 1, 1, 0, 0, 0, 0), "convTranspose2d",
                "float32", "float64");
        assertRejects(() -> Tensor.conv2dBackwardWeight(z(1, 1, 3, 3), z64(1, 1, 2, 2), new long[] {1, 1, 2, 2}, 1, 1, 0, 0),
                "conv2dBackwardWeight", "float32", "float64");
        assertRejects(() -> z(1, 1, 3, 3).conv2d(z64(1, 1, 2, 2), 1, 1, 0, 0), "conv2d", "float32", "float64");
    }

    @Test
    void whereShapeMismatch() {
        assertRejects(() -> Tensor.where(z(2, 3), z(4), z(2, 3)), "where", "[2, 3]", "[4]");
        assertRejects(() -> Tensor.where(z(2, 3), z(2, 3), z(5)), "where", "[2, 3]", "[5]");
    }

    @Test
    void matmulInnerDimensionMismatchNamesBothShapes() {
        assertRejects(() -> z(2, 3).matmul(z(4, 5)), "matmul", "[2, 3]", "[4, 5]");
        assertRejects(() -> z(2, 3).matmul(z(3, 5), true, false), "matmul", "[2, 3]", "[3, 5]"); // k = 2 vs 3
        assertRejects(() -> z(2, 3).matmul(z(5, 2), false, true), "matmul", "[2, 3]", "[5, 2]"); // k = 3 vs 2
    }

    @Test
    void matmulRankBelowTwoNamesBothShapes() {
        assertRejects(() -> z(3).matmul(z(3, 4)), "matmul", "[3]", "[3, 4]");
        assertRejects(() -> z(3, 4).matmul(z(4)), "matmul", "[3, 4]", "[4]");
    }

    /**
     * BUG (Tensor.matmul, the Shapes.broadcast("matmul", aBatch, bBatch) call): a batch-dimension mismatch reports
     * only the batch shapes ("matmul: shapes [2] and [3] cannot be broadcast ..."), not the operand shapes
     * [2, 3, 4] and [3, 4, 5]. Fails until the message names both operands.
     */
    @Test
    void matmulBatchMismatchNamesBothOperandShapes() {
        assertRejects(() -> z(2, 3, 4).matmul(z(3, 4, 5)), "matmul", "[2, 3, 4]", "[3, 4, 5]");
    }

    @Test
    void reshapeErrors() {
        assertRejects(() -> z(2, 3).reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        assertRejects(() -> z(2, 3).reshape(-1, 4), "reshape", "[2, 3]", "[-1, 4]");
        assertRejects(() -> z(2, 3).reshape(-1, -1), "reshape", "[-1, -1]");
        assertRejects(() -> z(2, 3).reshape(-2, -3), "reshape", "[-2, -3]");
        assertRejects(() -> z(2, 0).reshape(0, -1), "reshape");
    }

    @Test
    void badDimensions() {
        assertRejects(() -> z(2, 3).sum(new int[] {2}, false), "sum", "2", "rank 2");
        assertRejects(() -> z(2, 3).mean(new int[] {-3}, true), "mean", "-3");
        assertRejects(() -> z(2, 3).max(new int[] {0, -2}, true), "max", "repeated");
        assertRejects(() -> z(2, 3).variance(new int[] {5}, 0, true), "variance", "5");
        assertRejects(() -> z(2, 3).squeeze(0), "squeeze", "[2, 3]");
        assertRejects(() -> z(2, 3).squeeze(2), "squeeze", "2");
        assertRejects(() -> z(2, 3).unsqueeze(3), "unsqueeze", "3");
        assertRejects(() -> z(2, 3).unsqueeze(-4), "unsqueeze", "-4");
        assertRejects(() -> z(2, 3).transpose(0, 2), "transpose", "2");
        assertRejects(() -> z(2, 3).permute(0), "permute", "[2, 3]");
        assertRejects(() -> z(2, 3).permute(1, 1), "permute", "repeated");
        assertRejects(() -> z(2, 3).permute(0, 2), "permute", "2");
        assertRejects(() -> z(2, 3).flattenFrom(2), "flattenFrom", "2");
        assertRejects(() -> z(2, 3).size(2), "size", "2");
        assertRejects(() -> Tensor.scalar(1).flattenFrom(0), "flattenFrom");
        assertRejects(() -> z(2, 3).expand(2, 4), "expand", "[2, 3]", "[2, 4]");
        assertRejects(() -> z(2, 3).expand(3), "expand", "[2, 3]", "[3]");
        assertRejects(() -> z(0, 3).max(new int[] {0}, false), "max", "[0, 3]");
    }

    @Test
    void badSliceRanges() {
        assertRejects(() -> z(4, 5).slice(1, -1, 3), "slice", "[4, 5]");
        assertRejects(() -> z(4, 5).slice(1, 2, 6), "slice", "[4, 5]", "6");
        assertRejects(() -> z(4, 5).slice(1, 3, 2), "slice", "[4, 5]");
        assertRejects(() -> z(4, 5).slice(0, 0, 4, 0), "slice", "step 0");
        assertRejects(() -> z(4, 5).slice(2, 0, 1), "slice", "2");
    }

    @Test
    void catErrors() {
        assertRejects(() -> Tensor.cat(0, z(2, 3), z(2, 4)), "cat", "[2, 3]", "[2, 4]");
        assertRejects(() -> Tensor.cat(1, z(2, 3), z(2, 3, 1)), "cat", "[2, 3]", "[2, 3, 1]");
        assertRejects(() -> Tensor.cat(2, z(2, 3), z(2, 3)), "cat", "2");
        assertRejects(() -> Tensor.cat(0), "cat");
    }

    @Test
    void convErrors() {
        assertRejects(() -> z(2, 3, 8, 8).conv2d(z(4, 2, 3, 3), 1, 1, 1, 1), "conv2d", "[2, 3, 8, 8]", "[4, 2, 3, 3]");
        assertRejects(() -> z(3, 8, 8).conv2d(z(4, 3, 3, 3), 1, 1, 1, 1), "conv2d", "[3, 8, 8]", "[4, 3, 3, 3]");
        assertRejects(() -> z(1, 1, 2, 2).conv2d(z(1, 1, 5, 5), 1, 1, 0, 0), "conv2d", "[1, 1, 2, 2]", "[1, 1, 5, 5]");
        assertRejects(() -> z(1, 1, 4, 4).conv2d(z(1, 1, 3, 3), 0, 1, 0, 0), "conv2d", "stride");
        // the geometry's own "conv2d: " prefix appears once, after the op and its shapes
        assertEquals("conv2d: input [1, 1, 4, 4], weight [1, 1, 3, 3]: stride must be >= 1, got (0, 1)",
                assertThrows(IllegalArgumentException.class,
                        () -> z(1, 1, 4, 4).conv2d(z(1, 1, 3, 3), 0, 1, 0, 0)).getMessage());
        assertRejects(() -> Tensor.conv2dBackwardData(z(1, 2, 5, 5), z(2, 3, 3, 3), new long[] {1, 3, 8, 8}, 1, 1, 1, 1),
                "conv2dBackwardData", "dy", "[1, 2, 5, 5]", "[1, 2, 8, 8]");
        assertRejects(() -> Tensor.conv2dBackwardData(z(1, 2, 8, 8), z(2, 3, 3, 3), new long[] {1, 4, 8, 8}, 1, 1, 1, 1),
                "conv2dBackwardData", "[1, 4, 8, 8]", "[2, 3, 3, 3]");
        assertRejects(() -> Tensor.conv2dBackwardWeight(z(1, 3, 8, 8), z(1, 2, 7, 8), new long[] {2, 3, 3, 3}, 1, 1, 1, 1),
                "conv2dBackwardWeight", "[1, 2, 7, 8]", "[1, 2, 8, 8]");
        assertRejects(() -> Tensor.conv2dBackwardWeight(z(1, 3, 8, 8), z(1, 2, 8, 8), new long[] {2, 4, 3, 3}, 1, 1, 1, 1),
                "conv2dBackwardWeight", "[1, 3, 8, 8]", "[2, 4, 3, 3]");
        assertRejects(() -> z(1, 3, 4, 4).convTranspose2d(z(2, 5, 3, 3), 2, 2, 1, 1, 0, 0), "convTranspose2d",
                "[1, 3, 4, 4]", "[2, 5, 3, 3]");
        assertRejects(() -> z(1, 3, 4, 4).convTranspose2d(z(3, 5, 3, 3), 2, 2, 1, 1, 2, 0), "convTranspose2d",
                "output padding");
        assertRejects(() -> z(1, 3, 1, 1).convTranspose2d(z(3, 5, 1, 1), 1, 1, 1, 1, 0, 0), "convTranspose2d",
                "[1, 3, 1, 1]");
    }

    @Test
    void missingDeviceBackendNamesTheDevice() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Tensor.zeros(DType.FLOAT32, Device.cuda(7), 2));
        assertTrue(e.getMessage().contains("cuda:7"), e.getMessage());
    }

    @Test
    void valueAndCreationErrors() {
        assertRejects(() -> z(2).item(), "item", "[2]");
        assertRejects(() -> z(0).item(), "item", "[0]");
        assertRejects(() -> Tensor.of(new float[5], 2, 3), "of", "5", "[2, 3]");
        assertRejects(() -> Tensor.of(new double[1], 2), "of", "1", "[2]");
        assertRejects(() -> Tensor.zeros(2, -1), "[2, -1]");
        assertRejects(() -> Tensor.arange(0, 5, 0, DType.FLOAT32, Device.CPU), "arange", "step=0");
        assertRejects(() -> Tensor.arange(0, Double.POSITIVE_INFINITY, 1, DType.FLOAT32, Device.CPU), "arange");
        assertRejects(() -> z(3, 1).variance(new int[] {1}, 1, false), "variance", "[3, 1]");
        assertRejects(() -> z(3).clamp(2, 1), "clamp", "2", "1");
        assertRejects(() -> z(2, 3).assign(z(3, 2)), "assign", "[2, 3]", "[3, 2]");
    }

    /**
     * A shape of more elements than a long counts names the op and the shape (before: a bare ArithmeticException,
     * "long overflow"); one with a 0 holds no element, whatever its other sizes.
     */
    @Test
    void aShapeTooLargeToCountNamesTheOpAndTheShape() {
        assertRejects(() -> Tensor.zeros(1L << 40, 1L << 40), "empty: shape [1099511627776, 1099511627776] has more"
                + " than 9223372036854775807 elements");
        assertRejects(() -> z(2).reshape(1L << 40, 1L << 40), "reshape", "[1099511627776, 1099511627776]");
        assertTrue(Tensor.zeros(1L << 40, 1L << 40, 0).numel() == 0, "an empty shape");
    }
}
