package io.gcgan.cli;

import io.gcgan.gan.train.StepMetrics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress: on a terminal a bar redrawn in place (carriage return) with the step, D and G loss, steps
 * per second and the time left; otherwise (a log file, a pipe) one line every {@code logEvery} steps, or every
 * 10 seconds when {@code logEvery} is 0; nothing at all when quiet.
 *
 * <p>Steps per second is an exponential moving average over about the last 20 steps, so the time left follows
 * changes of speed (and is not fooled by the slow first steps of a JIT-compiled JVM for long).
 */
final class Progress {

    private static final int BAR_WIDTH = 24;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean quiet;
    private final boolean terminal;
    private final long total;
    private final int logEvery;
    private final LongSupplier nanoTime;
    private long lastLine;
    private long lastDraw;
    private double stepsPerSecond = Double.NaN;
    private long lastTick;
    private int drawnWidth;

    Progress(PrintWriter out, boolean quiet, boolean terminal, long total, int logEvery) {
        this(out, quiet, terminal, total, logEvery, System::nanoTime);
    }

    /** As above, with {@code nanoTime} as the clock (tests give their own). */
    Progress(PrintWriter out, boolean quiet, boolean terminal, long total, int logEvery, LongSupplier nanoTime) {
        this.out = out;
        this.quiet = quiet;
        this.terminal = terminal;
        this.total = total;
        this.logEvery = logEvery;
        this.nanoTime = nanoTime;
        this.lastTick = nanoTime.getAsLong();
        this.lastLine = lastTick;
        this.lastDraw = lastTick - REDRAW_NANOS; // the first step draws, whatever the clock's origin
    }

    /** Whether the process writes to a terminal (then the bar is drawn in place). */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Records a finished step (metrics of step {@code m.step()}, so {@code m.step() + 1} steps are done). */
    void step(StepMetrics m) {
        long now = nanoTime.getAsLong();
        double dt = (now - lastTick) / 1e9;
        lastTick = now;
        if (dt > 0) {
            double rate = 1.0 / dt;
            stepsPerSecond = Double.isNaN(stepsPerSecond) ? rate : 0.9 * stepsPerSecond + 0.1 * rate;
        }
        if (quiet) {
            return;
        }
        long done = m.step() + 1;
        if (terminal) {
            if (now - lastDraw >= REDRAW_NANOS || done == total) {
                draw(line(m, done, true));
                lastDraw = now;
            }
            return;
        }
        boolean due = logEvery > 0 ? done % logEvery == 0 : now - lastLine >= LOG_INTERVAL_NANOS;
        if (due || done == total) {
            out.println(line(m, done, false));
            out.flush();
            lastLine = now;
        }
    }

    /** Clears the bar (before other output). */
    void clear() {
        if (terminal && drawnWidth > 0 && !quiet) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
            drawnWidth = 0;
        }
    }

    /** Ends the bar's line so that following output starts on a new line. */
    void finish() {
        if (terminal && drawnWidth > 0 && !quiet) {
            out.println();
            out.flush();
            drawnWidth = 0;
        }
    }

    double stepsPerSecond() {
        return stepsPerSecond;
    }

    private void draw(String text) {
        String padded = text.length() < drawnWidth ? text + " ".repeat(drawnWidth - text.length()) : text;
        out.print("\r" + padded);
        out.flush();
        drawnWidth = text.length();
    }

    String line(StepMetrics m, long done, boolean bar) {
        StringBuilder sb = new StringBuilder();
        int digits = Long.toString(total).length();
        sb.append(String.format(Locale.ROOT, "step %" + digits + "d/%d", done, total));
        if (bar) {
            int filled = (int) Math.round(BAR_WIDTH * (double) done / Math.max(1, total));
            sb.append(" [").append("#".repeat(Math.min(BAR_WIDTH, filled)))
                    .append("-".repeat(Math.max(0, BAR_WIDTH - filled))).append(']');
        }
        sb.append(String.format(Locale.ROOT, " %3d%%  D %.4f  G %.4f  %s steps/s  left %s",
                (int) (100 * done / Math.max(1, total)), m.dLoss(), m.gLoss(),
                Double.isFinite(stepsPerSecond) ? String.format(Locale.ROOT, "%.2f", stepsPerSecond) : "?",
                duration((total - done) / stepsPerSecond)));
        return sb.toString();
    }

    /** h:mm:ss or m:ss; "?" when unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long min = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, min, sec)
                : String.format(Locale.ROOT, "%d:%02d", min, sec);
    }
}
