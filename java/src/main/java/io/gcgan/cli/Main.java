package io.gcgan.cli;

import io.gcgan.report.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gcgan} command line:
 *
 * <pre>
 *   gcgan train       train a GAN, writing a run folder (config, metrics, charts, samples, checkpoints, scores)
 *   gcgan experiment  train several configurations and seeds, then compare them (the study's comparison)
 *   gcgan compare     overlay the loss curves (and scores) of several runs and tabulate their final metrics
 *   gcgan dirac       the Dirac-GAN's training dynamics over its vector field (PNG; --json for numbers)
 *   gcgan sample      images from a checkpoint as a PNG grid
 *   gcgan score       the sample quality of a checkpoint's G (digit scores, sliced Wasserstein, mode coverage)
 *   gcgan info        versions, the CPU backend, CUDA availability, and a smoke forward pass
 * </pre>
 *
 * Exit status: 0 success, 1 failure (a file that cannot be read, ...), 2 bad command line (no command, unknown
 * option or name, value out of range), 3 training diverged, 130 stopped by Ctrl-C / SIGTERM after saving a checkpoint.
 * Set GCGAN_DEBUG=1 to get stack traces with error messages.
 */
@Command(name = "gcgan", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Trains GANs (and the Dirac GAN) with gradient penalties and Gradient Centralization, on NVIDIA"
                + " GPUs or the CPU.",
        subcommands = {TrainCommand.class, ExperimentCommand.class, CompareCommand.class, DiracCommand.class,
            SampleCommand.class, ScoreCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * {@code gcgan} without a command: a bad command line (status 2, as git and most tools with subcommands do),
     * with the list of commands on stderr, so that a script that forgot its command does not read success.
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: no command given");
        spec.commandLine().usage(err);
        err.flush();
        return 2;
    }

    public static void main(String[] args) {
        int status = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(status);
    }

    /** Runs a command line with the given output streams and returns the exit status (does not exit). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        return cl.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            c.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter e = c.getErr();
            if (ex instanceof UsageException) {
                e.println("error: " + ex.getMessage());
                e.println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
                e.flush();
                return 2;
            }
            e.println("error: " + describe(ex));
            if (System.getenv("GCGAN_DEBUG") != null) {
                ex.printStackTrace(e);
            }
            e.flush();
            return 1;
        });
        return cl;
    }

    /** The message of {@code ex} for the user: what went wrong and with which file, never a bare path. */
    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile() + (n.getReason() != null ? " (" + n.getReason() + ")" : "");
        }
        if (ex instanceof FileSystemException f && f.getFile() != null && f.getFile().equals(f.getMessage())) {
            return AtomicFiles.describe(f); // its message is the bare path: say what went wrong
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }
}
