package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The device time of work queued on a CUDA backend's stream: a CUDA event recorded on the stream at {@link #start()}
 * and one at {@link #stop()}; {@link #elapsedMillis()} waits for the second and reads the time between them
 * ({@code cudaEventElapsedTime}, about 0.5 us resolution). What the host spends queueing the work is not in it, unless
 * the device ran out of work meanwhile: then the idle gap is. A timer is reusable and allocates nothing after it is
 * made, so a benchmark can time each invocation; use it from one thread at a time, and close it (its events are
 * native resources).
 *
 * <pre>
 *   try (CudaEventTimer timer = CudaEventTimer.on(backend)) {
 *       timer.start();
 *       optimizer.step();
 *       timer.stop();
 *       double ms = timer.elapsedMillis();
 *   }
 * </pre>
 */
public final class CudaEventTimer implements AutoCloseable {

    private final CudaDevice device;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment startEvent;
    private final MemorySegment stopEvent;
    private final MemorySegment millis;
    private boolean started;
    private boolean stopped;
    private boolean closed;

    CudaEventTimer(CudaDevice device) {
        this.device = device;
        MemorySegment events = arena.allocate(ADDRESS, 2);
        millis = arena.allocate(JAVA_FLOAT);
        try {
            device.makeCurrent();
            CudaException.check(CudaRuntime.cudaEventCreate(events), "cudaEventCreate");
            startEvent = events.getAtIndex(ADDRESS, 0);
            int status = CudaRuntime.cudaEventCreate(events.asSlice(ADDRESS.byteSize()));
            if (status != CudaRuntime.cudaSuccess) {
                CudaRuntime.cudaEventDestroy(startEvent);
                CudaException.check(status, "cudaEventCreate");
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        stopEvent = events.getAtIndex(ADDRESS, 1);
    }

    /** A timer on {@code backend}'s stream. */
    public static CudaEventTimer on(CudaBackend backend) {
        return new CudaEventTimer(backend.cudaDevice());
    }

    /** Records the start event on the stream: the time counts from when the device reaches it. */
    public void start() {
        open("start");
        device.makeCurrent();
        CudaException.check(CudaRuntime.cudaEventRecord(startEvent, device.stream()), "cudaEventRecord (start)");
        started = true;
        stopped = false;
    }

    /** Records the stop event on the stream, after the work queued since {@link #start()}. */
    public void stop() {
        open("stop");
        if (!started) {
            throw new IllegalStateException("CudaEventTimer.stop: start() was not called since the last reading");
        }
        device.makeCurrent();
        CudaException.check(CudaRuntime.cudaEventRecord(stopEvent, device.stream()), "cudaEventRecord (stop)");
        stopped = true;
    }

    /**
     * Milliseconds of device time from {@link #start()} to {@link #stop()}: waits until the device has reached the stop
     * event, and surfaces the errors of kernels that ran before it.
     *
     * @throws IllegalStateException when start and stop were not both called since the last reading
     */
    public double elapsedMillis() {
        open("elapsedMillis");
        if (!stopped) {
            throw new IllegalStateException("CudaEventTimer.elapsedMillis: call start() and stop() first");
        }
        device.makeCurrent();
        CudaException.check(CudaRuntime.cudaEventSynchronize(stopEvent), "cudaEventSynchronize");
        CudaException.check(CudaRuntime.cudaEventElapsedTime(millis, startEvent, stopEvent), "cudaEventElapsedTime");
        started = false;
        stopped = false;
        return millis.get(JAVA_FLOAT, 0);
    }

    private void open(String call) {
        if (closed) {
            throw new IllegalStateException("CudaEventTimer." + call + ": the timer is closed");
        }
    }

    /** Destroys the events (after the device has passed them: CUDA defers their release until then). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            device.makeCurrent();
        } finally {
            try {
                CudaRuntime.cudaEventDestroy(startEvent);
                CudaRuntime.cudaEventDestroy(stopEvent);
            } finally {
                arena.close();
            }
        }
    }
}
