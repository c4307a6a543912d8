package io.gcgan.gan.train;

import java.util.Locale;

/**
 * What one training step measured (one generator update and the critic updates before it). Values that do not
 * apply are NaN: the Wasserstein estimate for losses other than WGAN, the penalty without one, the diagnostics
 * on steps where they are not computed.
 *
 * @param step             0-based index of the generator update
 * @param criticSteps      D updates made in this step
 * @param dLoss            D's loss at its last update of the step, without the penalty
 * @param penalty          the gradient penalty's value at that update
 * @param wasserstein      E D(x) - E D(G(z)) at that update (WGAN-family losses)
 * @param gLoss            G's loss
 * @param dGradNorm        L2 norm of all of D's parameter gradients (with the penalty), at its last update
 * @param gGradNorm        L2 norm of all of G's parameter gradients
 * @param dInputGradReal   mean over the batch of ||dD(x)/dx|| at real samples
 * @param dInputGradFake   the same at generated samples
 * @param scoreGap         mean D(training batch) - mean D(held-out batch): how much D tells seen data apart
 * @param seconds          wall time of the step
 */
public record StepMetrics(long step, int criticSteps, double dLoss, double penalty, double wasserstein, double gLoss,
                          double dGradNorm, double gGradNorm, double dInputGradReal, double dInputGradFake,
                          double scoreGap, double seconds) {

    /** Column names, in the order of {@link #csvRow()}. */
    public static String csvHeader() {
        return "step,critic_steps,d_loss,penalty,wasserstein,g_loss,d_grad_norm,g_grad_norm,"
                + "d_input_grad_real,d_input_grad_fake,score_gap,seconds";
    }

    /** One CSV row; NaN is written as an empty field. */
    public String csvRow() {
        return step + "," + criticSteps + "," + f(dLoss) + "," + f(penalty) + "," + f(wasserstein) + "," + f(gLoss)
                + "," + f(dGradNorm) + "," + f(gGradNorm) + "," + f(dInputGradReal) + "," + f(dInputGradFake) + ","
                + f(scoreGap) + "," + f(seconds);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.9g", v);
    }
}
