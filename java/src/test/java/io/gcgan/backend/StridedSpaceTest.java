package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link StridedSpace#coalesce}: the merge that makes a dense elementwise op one row. The backends' loops compute the
 * same values from an uncoalesced space, only slower, so their tests cannot see a merge that stops early: mutation
 * testing (PIT) found the first pair of dimensions left unmerged and the contiguity test replaceable without a test
 * failing. These check the coalesced shape and strides directly.
 */
class StridedSpaceTest {

    /** Every dimension of a dense tensor merges, the outermost pair included: one row of every element. */
    @Test
    void aDenseSpaceIsOneRow() {
        StridedSpace s = StridedSpace.coalesce(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {12, 4, 1});
        assertEquals(24, s.count());
        assertArrayEquals(new long[] {24}, s.shape());
        assertArrayEquals(new long[] {1}, s.strides()[0]);
        assertArrayEquals(new long[] {1}, s.strides()[1]);
    }

    /** Dimensions merge only where every operand is contiguous: a transposed operand keeps them apart. */
    @Test
    void aDimensionMergesOnlyWhenContiguousInEveryOperand() {
        // [2, 3, 4]: operand 0 dense; operand 1 walks its last two dimensions transposed (strides 1 and 3), so
        // neither dims 1 and 2 (1 != 3 * 4) nor dims 0 and 1 (12 != 1 * 3) are contiguous for it
        StridedSpace s = StridedSpace.coalesce(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {12, 1, 3});
        assertArrayEquals(new long[] {2, 3, 4}, s.shape());
        assertArrayEquals(new long[] {12, 4, 1}, s.strides()[0]);
        assertArrayEquals(new long[] {12, 1, 3}, s.strides()[1]);
        // a broadcast operand (stride 0 along dim 0) merges dims 1 and 2 but not 0
        s = StridedSpace.coalesce(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {0, 4, 1});
        assertArrayEquals(new long[] {2, 12}, s.shape());
        assertArrayEquals(new long[] {0, 1}, s.strides()[1]);
    }

    /** Size-1 dimensions are dropped whatever their strides; a 0 dimension is allowed: nothing to visit. */
    @Test
    void sizeOneDimensionsDropAndZeroSizesAreEmpty() {
        StridedSpace s = StridedSpace.coalesce(new long[] {1, 5, 1}, new long[] {99, 1, 7});
        assertArrayEquals(new long[] {5}, s.shape());
        assertArrayEquals(new long[] {1}, s.strides()[0]);
        StridedSpace empty = StridedSpace.coalesce(new long[] {2, 0, 3}, new long[] {3, 3, 1});
        assertEquals(0, empty.count(), "nothing to visit (the backends test the count before the shape)");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StridedSpace.coalesce(new long[] {2, -1}, new long[] {1, 1}));
        assertEquals("negative size -1 in shape [2, -1]", e.getMessage());
    }
}
