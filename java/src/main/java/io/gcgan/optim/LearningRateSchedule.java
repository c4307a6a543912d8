package io.gcgan.optim;

/**
 * The learning rate of a parameter group as a function of the optimizer's step count. An optimizer evaluates
 * its group's schedule at the start of every {@link Optimizer#step()}, with the number of steps already taken
 * (0 for the first step).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate of the step that follows {@code stepsTaken} completed steps. */
    double learningRate(long stepsTaken);

    /** The same rate at every step. */
    static LearningRateSchedule constant(double lr) {
        return new Constant(lr);
    }

    /**
     * {@code lr0 + (lrEnd - lr0) * min(k, steps) / steps} at step k (0-based): {@code lr0} on the first step,
     * {@code lrEnd} from step {@code steps} on (PyTorch's {@code LinearLR} with factors lr0/lr and lrEnd/lr).
     */
    static LearningRateSchedule linearDecay(double lr0, double lrEnd, long steps) {
        return new LinearDecay(lr0, lrEnd, steps);
    }

    /** A constant rate. */
    record Constant(double lr) implements LearningRateSchedule {
        public Constant {
            checkRate("constant", lr);
        }

        @Override
        public double learningRate(long stepsTaken) {
            return lr;
        }
    }

    /** A linear ramp from {@code start} to {@code end} over {@code steps} steps, then {@code end}. */
    record LinearDecay(double start, double end, long steps) implements LearningRateSchedule {
        public LinearDecay {
            checkRate("linearDecay start", start);
            checkRate("linearDecay end", end);
            if (steps < 1) {
                throw new IllegalArgumentException("linearDecay: steps must be >= 1, got " + steps);
            }
        }

        @Override
        public double learningRate(long stepsTaken) {
            if (stepsTaken >= steps) {
                return end;
            }
            return start + (end - start) * ((double) Math.max(0, stepsTaken) / steps);
        }
    }

    private static void checkRate(String what, double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException(what + ": a learning rate must be finite and >= 0, got " + lr);
        }
    }
}
