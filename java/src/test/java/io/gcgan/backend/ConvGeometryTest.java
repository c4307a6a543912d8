package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link ConvGeometry}: the kernel may be as large as the padded input (one output row or column) and no larger, the
 * refusals name the sizes, and the derived output size and cost. Mutation testing (PIT) found the padded-size check
 * movable ({@code h - 2 padH}, {@code 2 / padH}) without a test failing: only the exact fit tells them apart.
 */
class ConvGeometryTest {

    /** A kernel as large as the padded input gives a 1x1 output; one row or column more is refused, by size. */
    @Test
    void theKernelMayFillThePaddedInputButNotExceedIt() {
        // h + 2 padH = 1 + 2 * 2 = 5 and w + 2 padW = 2 + 2 * 3 = 8: padding 2 and 3, so that 2 / pad differs from
        // 2 * pad and h - 2 pad from h + 2 pad
        ConvGeometry fit = assertDoesNotThrow(() -> new ConvGeometry(1, 1, 1, 2, 1, 5, 8, 1, 1, 2, 3));
        assertEquals(1, fit.p(), "output height");
        assertEquals(1, fit.q(), "output width");
        IllegalArgumentException tall = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(1, 1, 1, 2, 1, 6, 8, 1, 1, 2, 3));
        assertEquals("conv2d: kernel 6x8 larger than padded input 5x8", tall.getMessage());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(1, 1, 1, 2, 1, 5, 9, 1, 1, 2, 3));
        assertEquals("conv2d: kernel 5x9 larger than padded input 5x8", wide.getMessage());
    }

    /** A size below 1 is refused with both shapes written out, so that the caller sees which one is wrong. */
    @Test
    void aSizeBelowOneNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(2, 3, 0, 5, 4, 3, 3, 1, 1, 1, 1));
        assertEquals("conv2d: sizes must be >= 1, got x [2, 3, 0, 5], w [4, 3, 3, 3]", e.getMessage());
    }

    /** Output size with stride and padding (floor), the three shapes, and the cost: 2 n k p q c r s. */
    @Test
    void shapesAndFlops() {
        // x [2, 3, 7, 9], w [5, 3, 3, 2], stride (2, 3), pad (1, 0):
        // p = (7 + 2 - 3) / 2 + 1 = 4, q = (9 - 2) / 3 + 1 = 3
        ConvGeometry g = new ConvGeometry(2, 3, 7, 9, 5, 3, 2, 2, 3, 1, 0);
        assertEquals(4, g.p());
        assertEquals(3, g.q());
        assertArrayEquals(new long[] {2, 3, 7, 9}, g.xShape());
        assertArrayEquals(new long[] {5, 3, 3, 2}, g.wShape());
        assertArrayEquals(new long[] {2, 5, 4, 3}, g.yShape());
        assertEquals(2.0 * 2 * 5 * 4 * 3 * 3 * 3 * 2, g.flops(), "flops: every factor counts once");
    }
}
