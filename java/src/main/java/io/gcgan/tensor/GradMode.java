package io.gcgan.tensor;

/**
 * Whether operations on this thread record the graph that autograd differentiates. Recording is on by
 * default; {@link #noGrad()} turns it off for a block (evaluation, optimizer updates, weight clipping):
 *
 * <pre>{@code
 * try (GradMode.Guard g = GradMode.noGrad()) {
 *     ...   // results have no gradient function and do not require grad
 * }
 * }</pre>
 */
public final class GradMode {

    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Turns recording off until the returned guard closes. */
    public static Guard noGrad() {
        return set(false);
    }

    /** Sets recording on or off until the returned guard closes, which restores the previous mode. */
    public static Guard set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return new Guard(previous);
    }

    /** Restores the previous grad mode on close. */
    public static final class Guard implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private Guard(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                ENABLED.set(previous);
            }
        }
    }
}
