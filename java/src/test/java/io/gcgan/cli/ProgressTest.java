package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.train.StepMetrics;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training progress as a log and a terminal show it: with --log-every N a line every N steps and one for the last,
 * nothing when quiet, a bar redrawn in place on a terminal and ended by a newline; the time left as m:ss or h:mm:ss.
 * The tests with a clock of their own check the times: steps per second (a moving average), the time left, a log
 * line every 10 seconds and a redraw every 100 ms.
 */
class ProgressTest {

    private static StepMetrics metrics(long step) {
        return new StepMetrics(step, 1, 0.5, Double.NaN, Double.NaN, 1.25, 1, 1, Double.NaN, Double.NaN, Double.NaN,
                0.01);
    }

    private static List<String> run(boolean quiet, boolean terminal, long total, int logEvery) {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), quiet, terminal, total, logEvery);
        for (long s = 0; s < total; s++) {
            p.step(metrics(s));
        }
        p.finish();
        return text.toString().lines().toList();
    }

    @Test
    void aLogGetsALineEveryNStepsAndForTheLast() {
        List<String> lines = run(false, false, 10, 4);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("step  4/10  40%  D 0.5000  G 1.2500  "), lines.get(0));
        assertTrue(lines.get(1).startsWith("step  8/10  80%"), lines.get(1));
        assertTrue(lines.get(2).startsWith("step 10/10 100%"), lines.get(2));
        assertTrue(lines.get(2).endsWith(" steps/s  left 0:00"), lines.get(2));
        // Every 10 seconds by default: a run of a few milliseconds logs its last step only.
        assertEquals(1, run(false, false, 5, 0).size());
    }

    @Test
    void quietPrintsNothing() {
        assertEquals(List.of(), run(true, false, 10, 1));
        assertEquals(List.of(), run(true, true, 10, 1));
    }

    @Test
    void aTerminalBarIsRedrawnInPlaceAndEndedWithANewline() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, true, 4, 0);
        p.step(metrics(0)); // the first step draws (more than 100 ms since no draw)
        for (long s = 1; s < 4; s++) {
            p.step(metrics(s));
        }
        String drawn = text.toString();
        assertTrue(drawn.startsWith("\rstep 1/4 [######------------------]  25%"), drawn);
        assertTrue(drawn.contains("\rstep 4/4 [########################] 100%"), "the last step is drawn: " + drawn);
        assertTrue(!drawn.contains("\n"), drawn);
        p.clear();
        assertTrue(text.toString().endsWith("\r"), "cleared: " + text);
        p.finish();
        assertTrue(!text.toString().endsWith("\n"), "nothing drawn since the clear: no newline");
        p.step(metrics(3));
        p.finish();
        assertTrue(text.toString().endsWith(System.lineSeparator()), text.toString());
    }

    @Test
    void durationsReadAsMinutesOrHours() {
        assertEquals("0:00", Progress.duration(0));
        assertEquals("0:59", Progress.duration(59.4));
        assertEquals("1:00", Progress.duration(59.5));
        assertEquals("59:59", Progress.duration(3599));
        assertEquals("1:00:00", Progress.duration(3600));
        assertEquals("27:46:40", Progress.duration(100_000));
        assertEquals("?", Progress.duration(-1));
        assertEquals("?", Progress.duration(Double.NaN));
        assertEquals("?", Progress.duration(Double.POSITIVE_INFINITY));
    }

    /** A clock the test moves: {@code advance(ms)} and then a step. */
    private static final class Clock {
        long nanos;

        void advance(double ms) {
            nanos += Math.round(ms * 1e6);
        }
    }

    private static StepMetrics metrics(long step, double dLoss) {
        return new StepMetrics(step, 1, dLoss, Double.NaN, Double.NaN, 1.25, 1, 1, Double.NaN, Double.NaN, Double.NaN,
                0.01);
    }

    @Test
    void stepsPerSecondIsAMovingAverageAndGivesTheTimeLeft() {
        Clock clock = new Clock();
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, false, 10, 1, () -> clock.nanos);
        assertTrue(Double.isNaN(p.stepsPerSecond()), "no step yet");
        assertTrue(p.line(metrics(0), 0, false).endsWith(" ? steps/s  left ?"), p.line(metrics(0), 0, false));
        clock.advance(500);
        p.step(metrics(0)); // 0.5 s: 2 steps/s; 9 steps left, 4.5 s
        assertEquals(2.0, p.stepsPerSecond(), 1e-12);
        clock.advance(250);
        p.step(metrics(1)); // 0.25 s: 4 steps/s, averaged 0.9 * 2 + 0.1 * 4; 8 steps left, 3.6 s
        assertEquals(2.2, p.stepsPerSecond(), 1e-12);
        List<String> lines = text.toString().lines().toList();
        assertEquals(List.of("step  1/10  10%  D 0.5000  G 1.2500  2.00 steps/s  left 0:05",
                "step  2/10  20%  D 0.5000  G 1.2500  2.20 steps/s  left 0:04"), lines);
    }

    @Test
    void withoutLogEveryALogLineComesEveryTenSeconds() {
        Clock clock = new Clock();
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, false, 5, 0, () -> clock.nanos);
        for (long s = 0; s < 5; s++) {
            clock.advance(5000);
            p.step(metrics(s));
        }
        // 10 s after the start (step 2), 10 s later (step 4), and the last step
        assertEquals(List.of("step 2/5", "step 4/5", "step 5/5"),
                text.toString().lines().map(l -> l.substring(0, 8)).toList(), text.toString());
    }

    @Test
    void aTerminalBarIsRedrawnEvery100MsAndAtTheLastStep() {
        Clock clock = new Clock();
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, true, 5, 0, () -> clock.nanos);
        for (long s = 0; s < 5; s++) {
            clock.advance(50);
            p.step(metrics(s));
        }
        // the first step, 100 ms later (step 3), and the last
        List<String> drawn = List.of(text.toString().substring(1).split("\r"));
        assertEquals(List.of("step 1/5", "step 3/5", "step 5/5"), drawn.stream().map(l -> l.substring(0, 8)).toList(),
                text.toString());
    }

    @Test
    void aShorterBarIsPaddedOverTheLongerOneBefore() {
        Clock clock = new Clock();
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, true, 3, 0, () -> clock.nanos);
        clock.advance(200);
        p.step(metrics(0, -10));
        clock.advance(200);
        p.step(metrics(1, 1));
        String[] drawn = text.toString().substring(1).split("\r");
        assertEquals(2, drawn.length, text.toString());
        assertTrue(drawn[0].contains(" D -10.0000 ") && drawn[1].contains(" D 1.0000 "), text.toString());
        assertEquals(drawn[0].length(), drawn[1].length(), "the longer line's end is blanked: " + text);
        assertTrue(drawn[1].endsWith("left 0:00  "), drawn[1]);
    }

    @Test
    void clearingWithNothingDrawnPrintsNothing() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, true, 3, 0);
        p.clear();
        p.finish();
        assertEquals("", text.toString());
    }

    @Test
    void everyLineAndBarIsFlushedAtOnce() {
        // A log file or a terminal shows progress as it happens, not when a buffer fills.
        for (boolean terminal : new boolean[] {false, true}) {
            Clock clock = new Clock();
            StringWriter text = new StringWriter();
            Progress p = new Progress(new PrintWriter(new BufferedWriter(text, 1 << 16)), false, terminal, 3, 1,
                    () -> clock.nanos);
            clock.advance(200);
            p.step(metrics(0));
            assertTrue(text.toString().contains("step 1/3"), "terminal " + terminal + ": " + text);
            if (terminal) {
                int before = text.getBuffer().length();
                p.clear();
                assertTrue(text.getBuffer().length() > before && text.toString().endsWith("\r"), "cleared: " + text);
                clock.advance(200);
                p.step(metrics(1));
                before = text.getBuffer().length();
                p.finish();
                assertEquals(before + System.lineSeparator().length(), text.getBuffer().length(), "finished: " + text);
            }
        }
    }
}
