package io.gcgan.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * TrainingProfile's estimate of the decorator's own bookkeeping is a difference of two passes' wall times, a part of
 * the time outside the backend: one larger than that whole is noise and is not printed as a part of it.
 */
class TrainingProfileReportTest {

    @Test
    void aPartOfTheTimeOutsideTheBackendIsPrintedAsOne() {
        assertEquals("of which the decorator's own bookkeeping ~3661", TrainingProfile.bookkeeping(5353, 3661));
        assertEquals("of which the decorator's own bookkeeping ~0", TrainingProfile.bookkeeping(9243, 0));
    }

    @Test
    void anEstimateLargerThanTheWholeIsCalledNoise() {
        // a CPU run on a busy 2-core machine: outside the backend 15073 us, the two passes 29016 us apart
        assertEquals("the decorator's own bookkeeping not measurable here (the two passes' wall times differ by"
                + " 29016, more than the whole: noise)", TrainingProfile.bookkeeping(15073, 29016));
    }
}
