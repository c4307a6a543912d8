package io.gcgan.backend.cuda;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.tensor.DType;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * {@link ConvImplementation#AUTO}: for each pass, geometry, dtype and math, the fastest of the concrete
 * implementations, measured once on the call's own buffers and kept for the life of the backend, as cuDNN's
 * benchmark mode chooses its algorithms. A measurement runs each candidate once (its first call: cuDNN plans, cuBLAS
 * warms up) and then {@link #TIMED_RUNS} times, timed on the device ({@link ConvAutotuneTiming}: with or without the
 * host's launch gaps, a part of the key); the median decides, ties going to the earlier
 * candidate. A candidate that throws (cuDNN missing, a geometry beyond the GEMM path's int dimensions) is left out;
 * when all throw, the first failure is rethrown. Every pass overwrites its output, so the measurement leaves nothing
 * behind once the caller has run the chosen implementation.
 *
 * <p>Like cuDNN's benchmark mode, the choice can differ between runs and devices (the implementations round
 * differently, each within the float32 tolerance of the CPU oracle); name a concrete implementation for
 * bit-for-bit repeatable runs.
 */
final class ConvAutotune {

    /** Timed runs per candidate after its first call. */
    static final int TIMED_RUNS = 3;

    /** What a choice depends on. */
    record Key(OwnConvolution.Pass pass, ConvGeometry geometry, DType dtype, boolean tf32, ConvAutotuneTiming timing) {
    }

    private final List<ConvImplementation> candidates;
    private final Map<Key, ConvImplementation> chosen = new ConcurrentHashMap<>();
    /** Per measured key, each candidate's median in milliseconds (a candidate that threw is absent). */
    private final Map<Key, Map<ConvImplementation, Double>> medians = new ConcurrentHashMap<>();

    /** candidates: the concrete implementations to choose from, in tie-breaking order. */
    ConvAutotune(List<ConvImplementation> candidates) {
        if (candidates.isEmpty() || candidates.contains(ConvImplementation.AUTO)) {
            throw new IllegalArgumentException("ConvAutotune: candidates must be concrete implementations, got "
                    + candidates);
        }
        this.candidates = List.copyOf(candidates);
    }

    /**
     * The implementation for {@code key}: the cached choice, or a measurement of every candidate through {@code run}
     * (runs the pass with the given implementation on the caller's buffers) timed by {@code millis} (the device time
     * of the work it is given).
     */
    ConvImplementation choose(Key key, Consumer<ConvImplementation> run,
                              ToDoubleFunction<Runnable> millis) {
        ConvImplementation known = chosen.get(key);
        if (known != null) {
            return known;
        }
        ConvImplementation best = null;
        double bestMs = Double.POSITIVE_INFINITY;
        Map<ConvImplementation, Double> measured = new EnumMap<>(ConvImplementation.class);
        RuntimeException firstFailure = null;
        for (ConvImplementation c : candidates) {
            double[] ms = new double[TIMED_RUNS];
            try {
                run.accept(c);
                for (int i = 0; i < TIMED_RUNS; i++) {
                    ms[i] = millis.applyAsDouble(() -> run.accept(c));
                }
            } catch (RuntimeException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
                continue;
            }
            Arrays.sort(ms);
            double median = ms[TIMED_RUNS / 2];
            measured.put(c, median);
            if (median < bestMs) {
                bestMs = median;
                best = c;
            }
        }
        if (best == null) {
            throw firstFailure;
        }
        medians.put(key, Collections.unmodifiableMap(measured));
        chosen.put(key, best);
        return best;
    }

    /**
     * Sets the choice for {@code key} without measuring (a choice saved by an earlier run, {@link ConvChoicesText}),
     * replacing any choice it had; its medians are then unknown.
     *
     * @throws IllegalArgumentException when {@code implementation} is not one of the candidates
     */
    void preset(Key key, ConvImplementation implementation) {
        if (!candidates.contains(implementation)) {
            throw new IllegalArgumentException("conv auto chooses among " + candidates + ", not " + implementation);
        }
        medians.remove(key);
        chosen.put(key, implementation);
    }

    /** Whether {@code key} has a choice (measured or preset), which is then kept. */
    boolean hasChosen(Key key) {
        return chosen.containsKey(key);
    }

    /** The choices made so far (a copy), e.g. for a profile. */
    Map<Key, ConvImplementation> choices() {
        return Map.copyOf(chosen);
    }

    /** The medians measured for {@code key}, per candidate, in milliseconds; empty when not measured (or preset). */
    Map<ConvImplementation, Double> medianMillis(Key key) {
        return medians.getOrDefault(key, Map.of());
    }
}
