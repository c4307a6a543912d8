package io.gcgan.backend.cpu;

import java.util.stream.IntStream;

/** Splits an index range over the machine's cores (the caller and the common fork-join pool). */
final class Parallel {

    /** Below this many elements of work a loop stays on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1L << 15;

    private Parallel() {
    }

    interface RangeBody {
        void run(long from, long to);
    }

    static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs {@code body} over [0, count) in contiguous chunks. {@code workPerItem} estimates the elements
     * touched per index so that small loops are not split.
     */
    static void forRange(long count, long workPerItem, RangeBody body) {
        if (count <= 0) {
            return;
        }
        int threads = threads();
        if (threads == 1 || count == 1 || count * Math.max(1, workPerItem) < MIN_PARALLEL_WORK) {
            body.run(0, count);
            return;
        }
        // A few chunks per thread balance uneven rows without much overhead.
        int chunks = (int) Math.min(count, threads * 4L);
        IntStream.range(0, chunks).parallel().forEach(i -> {
            long from = count * i / chunks;
            long to = count * (i + 1) / chunks;
            if (from < to) {
                body.run(from, to);
            }
        });
    }

    /** Runs {@code body(part)} for part in [0, parts), one task each, on the worker threads and the caller. */
    static void forParts(int parts, java.util.function.IntConsumer body) {
        if (parts == 1) {
            body.accept(0);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(body);
    }
}
