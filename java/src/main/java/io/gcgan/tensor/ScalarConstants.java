package io.gcgan.tensor;

import io.gcgan.backend.Backend;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rank-0 constants that tensor operations combine with ({@code x.add(1.0)}, {@code x.gt(0.0)}, the zero of a
 * {@code where} in a derivative rule), made once per backend, dtype and value instead of once per use: each would
 * otherwise cost an allocation and a fill on the backend (on a GPU a {@code cudaMallocAsync}, a kernel launch and a
 * {@code cudaFreeAsync}), about a fifth of the backend calls of a dcgan64 training step.
 *
 * <p>A constant lives in the automatic lifetime (never freed while cached) and is never written: it is only ever an
 * operand of operations that write fresh outputs, it requires no grad, no public method hands it out except as a
 * recorded input of a {@link GradFn}, and {@code assign} refuses it (and any view of it). The values are exactly
 * those of {@code Tensor.scalar(value, dtype, device)}. At most {@link #MAX_ENTRIES} constants are cached; beyond
 * that, and while the backend captures calls ({@link Backend#beginCapture}), a fresh scalar is made in the current
 * scope.
 */
final class ScalarConstants {

    static final int MAX_ENTRIES = 1024;

    private record Key(Backend backend, DType dtype, long bits) {
    }

    private static final ConcurrentHashMap<Key, Tensor> CACHE = new ConcurrentHashMap<>();
    private static final Set<Storage> STORAGES = Collections.newSetFromMap(
            Collections.synchronizedMap(new IdentityHashMap<>()));

    private ScalarConstants() {
    }

    /** A rank-0 tensor of {@code backend} holding {@code value} rounded to {@code dtype}; read only. */
    static Tensor of(double value, DType dtype, Backend backend) {
        Key key = new Key(backend, dtype, Double.doubleToRawLongBits(value));
        Tensor cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        if (CACHE.size() >= MAX_ENTRIES || backend.capturing()) {
            // While the backend captures, a cached constant would be capture memory, filled only by a replay.
            return make(value, dtype, backend, TensorScope.current());
        }
        Tensor made = make(value, dtype, backend, Lifetime.AUTOMATIC);
        Tensor raced = CACHE.putIfAbsent(key, made);
        if (raced != null) {
            return raced;
        }
        STORAGES.add(made.storage);
        return made;
    }

    /** True for the storage of a cached constant (and so of every view of one): it must not be written. */
    static boolean isConstant(Storage storage) {
        return STORAGES.contains(storage);
    }

    private static Tensor make(double value, DType dtype, Backend backend, Lifetime lifetime) {
        Tensor t = new Tensor(backend.allocate(dtype, 1, lifetime), new long[0]);
        backend.fill(t.storage, value);
        return t;
    }
}
