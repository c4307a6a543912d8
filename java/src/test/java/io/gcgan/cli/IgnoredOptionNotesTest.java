package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The notes {@code gcgan train} prints for options that the run does not use, exactly: one per option given that
 * the loss, the penalty, the model, the device or the optimizer leaves unused, and none for an option in use or one
 * not given (its default is not the user's mistake). Without training: {@link TrainCommand#ignoredOptions}.
 */
class IgnoredOptionNotesTest {

    private static List<String> notes(String... args) {
        TrainCommand train = new TrainCommand();
        CommandLine.ParseResult parsed = new CommandLine(train).parseArgs(args);
        return TrainCommand.ignoredOptions(parsed, train.resolve());
    }

    @Test
    void lossOptionsOfAnotherLoss() {
        assertEquals(List.of("--clip is ignored: weight clipping goes with --loss wgan",
                        "--nu is ignored: it is the slope of --loss gls-gan",
                        "--ls-gamma is ignored: it is an option of --loss loss-sensitive and gls-gan",
                        "--ls-lambda is ignored: it is an option of --loss loss-sensitive and gls-gan",
                        "--ls-tau is ignored: it is an option of --loss loss-sensitive and gls-gan",
                        "--ls-distance is ignored: it is an option of --loss loss-sensitive and gls-gan",
                        "--ls-output is ignored: it is an option of --loss loss-sensitive and gls-gan",
                        "--lsgan-targets is ignored: they are the targets of --loss lsgan"),
                notes("--loss", "hinge", "--clip", "0.1", "--nu", "0", "--ls-gamma", "1", "--ls-lambda", "2",
                        "--ls-tau", "0", "--ls-distance", "l1-mean", "--ls-output", "identity", "--lsgan-targets",
                        "0,1,1"));
        assertEquals(List.of(), notes("--loss", "wgan", "--clip", "0.1"));
        assertEquals(List.of(), notes("--loss", "gls-gan", "--nu", "0", "--ls-gamma", "1", "--ls-tau", "0"));
        assertEquals(List.of("--nu is ignored: it is the slope of --loss gls-gan"),
                notes("--loss", "loss-sensitive", "--nu", "0", "--ls-lambda", "2", "--ls-output", "softplus"));
        assertEquals(List.of(), notes("--loss", "lsgan", "--lsgan-targets", "-1,1,0"));
    }

    @Test
    void penaltyOptionsWithoutAPenaltyOrCentredAtZero() {
        assertEquals(List.of("--penalty-weight is ignored: there is no --penalty",
                "--one-sided is ignored: there is no --penalty"),
                notes("--penalty", "none", "--penalty-weight", "3", "--one-sided"));
        assertEquals(List.of("--one-sided is ignored: --penalty zero-centred is centred at 0, below every gradient"
                + " norm (--one-sided goes with wgan-gp, centred at 1)"), notes("--penalty", "zero-centred",
                "--penalty-weight", "3", "--one-sided"));
        assertEquals(List.of(), notes("--penalty", "wgan-gp", "--penalty-weight", "3", "--one-sided"));
    }

    @Test
    void modelAndDeviceOptionsOfAnotherModelOrDevice() {
        assertEquals(List.of("--held-out is ignored: 2-D point data is drawn fresh each step, with no images to set"
                        + " aside", "--d-batchnorm is ignored: it is an option of --model dcgan64 (this run: mlp)"),
                notes("--data", "8gaussians", "--held-out", "5", "--d-batchnorm", "--mlp-width", "8"));
        assertEquals(List.of("--mlp-width is ignored: it is an option of --model mlp (this run: mnist28)"),
                notes("--held-out", "5", "--mlp-width", "8"));
        assertEquals(List.of("--conv is ignored: --device cpu (it chooses the convolutions of a CUDA device)",
                "--tf32 is ignored: --device cpu (TF32 is a mode of a CUDA device's tensor cores)"),
                notes("--device", "cpu", "--conv", "gemm", "--tf32"));
        assertEquals(List.of(), notes("--device", "auto", "--conv", "gemm", "--tf32"));
    }

    @Test
    void momentumWithAdamAndBetasWithoutIt() {
        assertEquals(List.of("--g-momentum is ignored: G's optimizer is adam (its momentum is --betas)",
                "--d-betas is ignored: D's optimizer is sgd, not adam"),
                notes("--d-optimizer", "sgd", "--g-momentum", "0.5", "--d-betas", "0.5,0.9", "--d-momentum", "0.5",
                        "--g-betas", "0.5,0.9"));
        assertEquals(List.of("--momentum is ignored: both optimizers are adam (their momentum is --betas)"),
                notes("--momentum", "0.5", "--betas", "0.5,0.9"));
        assertEquals(List.of("--betas is ignored: neither optimizer is adam"),
                notes("--optimizer", "rmsprop", "--momentum", "0.5", "--betas", "0.5,0.9"));
        assertEquals(List.of(), notes("--g-optimizer", "sgd", "--momentum", "0.5", "--betas", "0.5,0.9"),
                "each shared option is used by one of the two");
    }

    @Test
    void noCommandLineNoNotes() {
        assertEquals(List.of(), TrainCommand.ignoredOptions(null, TrainDefaultsTest.resolve("--loss", "hinge")));
    }
}
