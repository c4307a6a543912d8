package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.backend.cuda.CudaEventTimer;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaEventTimer}: the device time between its two events grows with the work queued between them, one timer
 * serves many readings, and calls out of order or after close are refused by name.
 */
@GpuTest
class CudaEventTimerTest {

    @Test
    void timesTheWorkQueuedBetweenItsEvents() {
        CudaBackend b = Gpu.cudaBackend();
        try (TensorScope scope = TensorScope.open(); CudaEventTimer timer = CudaEventTimer.on(b)) {
            Tensor x = Tensor.zeros(DType.FLOAT32, Gpu.CUDA, 64L << 20); // 256 MiB: tens of microseconds per fill
            b.synchronize();
            double[] once = new double[3];
            double[] eightTimes = new double[3];
            for (int r = 0; r < 3; r++) { // the same timer for every reading
                timer.start();
                b.fill(x.storage(), r);
                timer.stop();
                once[r] = timer.elapsedMillis();
                timer.start();
                for (int k = 0; k < 8; k++) {
                    b.fill(x.storage(), k);
                }
                timer.stop();
                eightTimes[r] = timer.elapsedMillis();
            }
            double one = min(once);
            double eight = min(eightTimes);
            assertTrue(one > 0 && Double.isFinite(one), "one 256 MiB fill took " + one + " ms of device time");
            assertTrue(eight > 2 * one, "eight fills (" + eight + " ms) take more than twice one fill (" + one
                    + " ms)");
        }
    }

    @Test
    void refusesCallsOutOfOrderAndAfterClose() {
        CudaBackend b = Gpu.cudaBackend();
        CudaEventTimer timer = CudaEventTimer.on(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, timer::stop);
        assertTrue(e.getMessage().contains("stop"), e.getMessage());
        e = assertThrows(IllegalStateException.class, timer::elapsedMillis);
        assertTrue(e.getMessage().contains("elapsedMillis"), e.getMessage());
        timer.start();
        assertThrows(IllegalStateException.class, timer::elapsedMillis, "started, not stopped");
        timer.stop();
        assertTrue(timer.elapsedMillis() >= 0, "nothing queued between the events");
        assertThrows(IllegalStateException.class, timer::elapsedMillis, "a reading needs a new start and stop");
        timer.close();
        timer.close(); // closing twice is harmless
        e = assertThrows(IllegalStateException.class, timer::start);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    private static double min(double[] xs) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : xs) {
            m = Math.min(m, x);
        }
        return m;
    }
}
