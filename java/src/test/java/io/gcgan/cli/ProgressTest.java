package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.train.StepMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training progress as a log and a terminal show it: with --log-every N a line every N steps and one for the last,
 * nothing when quiet, a bar redrawn in place on a terminal and ended by a newline; the time left as m:ss or h:mm:ss.
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
}
