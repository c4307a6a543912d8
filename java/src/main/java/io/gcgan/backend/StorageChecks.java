package io.gcgan.backend;

import io.gcgan.tensor.DType;

/** The argument checks every backend makes before touching memory; messages name the op and the values. */
public final class StorageChecks {

    private StorageChecks() {
    }

    /** Every storage was allocated by {@code backend}. */
    public static void owned(Backend backend, String op, Storage... storages) {
        for (Storage s : storages) {
            if (s.backend() != backend) {
                throw new IllegalArgumentException(op + ": storage belongs to " + s.backend().device()
                        + (s.backend().device().equals(backend.device()) ? " (another backend instance)" : "")
                        + ", not to the " + backend.device() + " backend");
            }
        }
    }

    /** All storages share one dtype. */
    public static void sameDtype(String op, Storage... storages) {
        DType first = storages[0].dtype();
        for (Storage s : storages) {
            if (s.dtype() != first) {
                throw new IllegalArgumentException(op + ": mixed dtypes " + first.displayName() + " and "
                        + s.dtype().displayName());
            }
        }
    }

    /** x, w and y hold at least the elements of {@code g}'s x [n, c, h, w], w [k, c, r, s] and y [n, k, p, q]. */
    public static void convSizes(String op, ConvGeometry g, Storage x, Storage w, Storage y) {
        long xn = (long) g.n() * g.c() * g.h() * g.w();
        long wn = (long) g.k() * g.c() * g.r() * g.s();
        long yn = (long) g.n() * g.k() * g.p() * g.q();
        if (x.numel() < xn || w.numel() < wn || y.numel() < yn) {
            throw new IllegalArgumentException(op + ": storages too small for " + g + " (x " + x.numel() + " < "
                    + xn + "?, w " + w.numel() + " < " + wn + "?, y " + y.numel() + " < " + yn + "?)");
        }
    }
}
