package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link CentringView}: zero extents are allowed (that is {@link CentringView#NONE}, and a tensor with a 0 dimension)
 * and leave nothing centred; negative ones and a dimension past the rank are refused by value. Mutation testing (PIT)
 * found every bound of the constructor, of {@code along} and of {@code centred} movable by one without a test
 * failing.
 */
class CentringViewTest {

    @Test
    void zeroExtentsAreAllowedAndNotCentred() {
        assertEquals(CentringView.NONE, new CentringView(0, 0, 0), "NONE is the all-zero view");
        assertFalse(CentringView.NONE.centred());
        // each extent 0 alone: a tensor with a 0 dimension before, at or after the centred one
        assertFalse(CentringView.along(new long[] {0, 3, 2}, 1).centred(), "outer 0");
        assertFalse(CentringView.along(new long[] {3, 0, 2}, 1).centred(), "slices 0");
        assertFalse(CentringView.along(new long[] {3, 2, 0}, 1).centred(), "inner 0");
        assertTrue(new CentringView(1, 1, 1).centred(), "one element is one group (centred to 0)");
    }

    @Test
    void negativeExtentsAreRefusedByValue() {
        for (long[] bad : new long[][] {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CentringView(bad[0], bad[1], bad[2]));
            assertEquals("CentringView: negative extent outer=" + bad[0] + " slices=" + bad[1] + " inner=" + bad[2],
                    e.getMessage());
        }
    }

    /** Along dimension 1 of [in, out, kh, kw]: outer = in, slices = out, inner = kh kw; any dimension < rank. */
    @Test
    void alongADimension() {
        CentringView v = CentringView.along(new long[] {2, 3, 4, 5}, 1);
        assertEquals(new CentringView(2, 3, 20), v);
        assertEquals(120, v.numel());
        assertEquals(40, v.sliceSize(), "a group is outer x inner elements");
        assertEquals(new CentringView(6, 5, 1), CentringView.along(new long[] {2, 3, 5}, 2), "the last dimension");
        for (int dim : new int[] {-1, 3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CentringView.along(new long[] {2, 3, 5}, dim));
            assertEquals("CentringView.along: dimension " + dim + " out of range for rank 3", e.getMessage());
        }
    }
}
