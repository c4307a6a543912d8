package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;

/**
 * {@link GcOverheadBenchmark}'s report from a real JMH run: a short in-process run on the CPU (the A/A control,
 * gc=none, of the dcgan64 workload), whose line must give the mean milliseconds per step and GC's cost that the
 * run's own totals give, and a range over its iterations that holds the whole run's cost.
 */
class GcOverheadReportTest {

    private static final Pattern LINE = Pattern.compile("  cpu  dcgan64 sgdm gc=none  none +([0-9.]+) ms  gc +([0-9.]+)"
            + " ms  GC +([-+][0-9.]+)%  \\(iterations ([-+][0-9.]+)% \\.\\. ([-+][0-9.]+)%; ([0-9]+) pairs\\)"
            + "  A/A control: noise only");

    @Test
    void theReportReadsTheRunsOwnTotals() throws Exception {
        Collection<RunResult> results = JmhRuns.run(new String[] {"-p", "backend=cpu", "-p", "algorithm=sgdm",
            "-p", "gc=none", "-f", "0", "-wi", "0", "-i", "3", "-r", "150ms"}, GcOverheadBenchmark.class).results();
        assertEquals(1, results.size());
        RunResult r = results.iterator().next();
        String line = GcOverheadBenchmark.report(r);
        Matcher m = LINE.matcher(line);
        assertTrue(m.matches(), "report line: '" + line + "'");

        var total = r.getAggregatedResult().getSecondaryResults();
        double pairs = total.get("pairs").getScore();
        double noneMs = total.get("noneMs").getScore();
        double gcMs = total.get("gcMs").getScore();
        assertTrue(pairs >= 3, "pairs: " + pairs); // at least one per iteration
        assertEquals(pairs, Double.parseDouble(m.group(6)));
        assertEquals(noneMs / pairs, Double.parseDouble(m.group(1)), 1e-4);
        assertEquals(gcMs / pairs, Double.parseDouble(m.group(2)), 1e-4);
        double cost = 100 * (gcMs / noneMs - 1);
        assertEquals(cost, Double.parseDouble(m.group(3)), 0.05);
        // A ratio of sums lies between the smallest and the largest ratio of its parts.
        double low = Double.parseDouble(m.group(4));
        double high = Double.parseDouble(m.group(5));
        assertTrue(low <= high && low - 0.05 <= cost && cost <= high + 0.05, line);
    }

    /** A run with its default parameters measures GC beside its A/A control, whose cost is the noise. */
    @Test
    void theAaControlRunsByDefault() throws Exception {
        String[] gc = GcOverheadBenchmark.class.getField("gc").getAnnotation(Param.class).value();
        assertEquals(List.of("none", "gc"), List.of(gc));
    }

    /** A run of GC without the A/A control says so, and how to run both. */
    @Test
    void aRunWithoutItsControlSaysSo() throws Exception {
        Collection<RunResult> results = JmhRuns.run(new String[] {"-p", "backend=cpu", "-p", "algorithm=sgdm",
            "-p", "gc=gc", "-p", "workload=mnist28", "-f", "0", "-wi", "0", "-i", "1", "-r", "20ms"},
                GcOverheadBenchmark.class).results();
        List<String> lines = GcOverheadBenchmark.summary(results);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("  cpu  mnist28 sgdm gc=gc    none "), lines.get(0));
        assertFalse(lines.get(0).contains("A/A"), lines.get(0));
        assertEquals("  cpu mnist28 sgdm: no A/A control in this run, so no measure of its noise (-p gc=none,gc runs"
                + " both)", lines.get(1));
    }
}
