package io.gcgan.gan.train;

/**
 * A loss or gradient became NaN or infinite. Training stops at once, before the optimizer applies the
 * step, so the parameters are those of the last good step and nothing already saved is overwritten.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final String quantity;
    private final double value;

    public TrainingDivergedException(long step, String quantity, double value) {
        super("training diverged at step " + step + ": " + quantity + " is " + value);
        this.step = step;
        this.quantity = quantity;
        this.value = value;
    }

    /** The (0-based) generator step during which the value appeared. */
    public long step() {
        return step;
    }

    /** What became non-finite, e.g. "D loss" or "G gradient norm". */
    public String quantity() {
        return quantity;
    }

    public double value() {
        return value;
    }
}
