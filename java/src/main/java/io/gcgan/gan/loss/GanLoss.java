package io.gcgan.gan.loss;

import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.util.OptionalDouble;

/**
 * A GAN objective as a pair of losses that the trainer MINIMISES: one for the discriminator (critic, loss
 * function) D and one for the generator G. Both return scalar (rank-0) tensors recorded for autograd.
 *
 * <p>Every loss starts from D's raw outputs (logits; no sigmoid layer at the end of D) so that it can be
 * evaluated stably: {@code log sigmoid(t) = -softplus(-t)} never forms {@code log(0)}. D's outputs have shape
 * [N] or [N, 1]; N is the batch. A loss never detaches anything except where its own definition says so (the
 * loss-sensitive margin): in the discriminator step the trainer passes {@code G(z).detach()} and D's outputs on
 * it, in the generator step the outputs of D on the live {@code G(z)}.
 *
 * <p>Names (what {@link GanLosses#byName} accepts) are listed in {@link GanLosses}.
 */
public interface GanLoss {

    /** The canonical name, as {@link GanLosses#byName} accepts it (e.g. {@code "nsgan"}). */
    String name();

    /** The discriminator's loss (to be minimised). Needs {@code dReal} and {@code dFake}. */
    Tensor discriminatorLoss(Batch b);

    /** The generator's loss (to be minimised). Needs {@code dFake} only. */
    Tensor generatorLoss(Batch b);

    /**
     * The clipping bound c when this objective wants D's parameters clamped to [-c, c] after every D step
     * (WGAN; see {@link io.gcgan.gan.penalty.WeightClipping}); empty otherwise.
     */
    default OptionalDouble weightClip() {
        return OptionalDouble.empty();
    }

    /** True when {@link #discriminatorLoss} reads the samples themselves (the loss-sensitive margin). */
    default boolean needsSamples() {
        return false;
    }

    /**
     * One batch as the losses see it. {@code real} x and {@code fake} G(z) are samples [N, ...] (read only by
     * losses whose {@link #needsSamples()} is true, otherwise may be null); {@code dReal} = D(x) and
     * {@code dFake} = D(G(z)) are raw outputs [N] or [N, 1]. {@code dReal} may be null for a generator loss.
     */
    record Batch(Tensor real, Tensor fake, Tensor dReal, Tensor dFake) {

        /** For the discriminator step of a loss that does not read samples. */
        public static Batch ofOutputs(Tensor dReal, Tensor dFake) {
            return new Batch(null, null, dReal, dFake);
        }

        /** For a generator step: D's outputs on G(z) only. */
        public static Batch forGenerator(Tensor dFake) {
            return new Batch(null, null, null, dFake);
        }

        /** D(x) as a vector [N]; fails naming the loss when it is missing or not [N] / [N, 1]. */
        public Tensor dRealVector(String loss) {
            return vector(loss, "dReal = D(x)", dReal);
        }

        /** D(G(z)) as a vector [N]. */
        public Tensor dFakeVector(String loss) {
            return vector(loss, "dFake = D(G(z))", dFake);
        }

        /** The real samples; fails naming the loss when missing. */
        public Tensor realSamples(String loss) {
            return require(loss, "real = x", real);
        }

        /** The generated samples; fails naming the loss when missing. */
        public Tensor fakeSamples(String loss) {
            return require(loss, "fake = G(z)", fake);
        }

        private static Tensor require(String loss, String what, Tensor t) {
            if (t == null) {
                throw new IllegalArgumentException(loss + ": the batch has no " + what);
            }
            return t;
        }

        private static Tensor vector(String loss, String what, Tensor t) {
            require(loss, what, t);
            long[] s = t.shape();
            boolean ok = s.length == 1 || (s.length == 2 && s[1] == 1);
            if (!ok) {
                throw new IllegalArgumentException(loss + ": " + what + " must be raw outputs of shape [N] or [N, 1],"
                        + " got " + Shapes.toString(s));
            }
            return s.length == 1 ? t : t.reshape(s[0]);
        }
    }
}
