package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.MetricsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gcgan experiment: runs per configuration and seed, the comparison, resuming, and its refusals. */
class ExperimentCommandTest {

    @TempDir
    Path tmp;

    private static final String[] TINY = {"--", "--data", "8gaussians", "--mlp-width", "16", "--batch-size", "32",
        "--device", "cpu", "--quiet", "--score-samples", "100", "--sample-every", "1000"};

    private String[] experiment(Path out, String steps, String... more) {
        String[] head = {"experiment", "--out", out.toString(), "--run", "plain=--gc none", "--run",
            "GC=--gc gc --score-every 2", "--seeds", "0,1"};
        String[] all = CliRunner.with(CliRunner.with(head, more), TINY);
        return CliRunner.with(all, "--steps", steps);
    }

    @Test
    void trainsEveryConfigurationAndSeedThenComparesAndResumes() throws Exception {
        Path out = tmp.resolve("study");
        CliRunner.Result r = CliRunner.run(experiment(out, "3"));
        assertEquals(0, r.status(), r.toString());
        for (String dir : List.of("plain-s0", "plain-s1", "gc-s0", "gc-s1")) {
            MetricsTable t = MetricsTable.read(out.resolve(dir).resolve("metrics.csv"));
            assertEquals(3, t.rows(), dir);
        }
        // the default score schedule (every 200 steps, and at the end) and a configuration's own (every 2)
        assertEquals(List.of(3.0), boxed(MetricsTable.read(out.resolve("plain-s0/scores.csv")).column("step")));
        assertEquals(List.of(2.0, 3.0), boxed(MetricsTable.read(out.resolve("gc-s1/scores.csv")).column("step")));
        assertTrue(r.out().contains("experiment: run 4 of 4, GC s1 -> "), r.out());
        assertTrue(Files.size(out.resolve("compare.png")) > 1000 && Files.size(out.resolve("compare-scores.png")) > 1000);
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("final metrics") && summary.contains("last scores") && summary.contains("GC s1"),
                summary);

        // Again with more steps: every run is resumed and extended.
        r = CliRunner.run(experiment(out, "5"));
        assertEquals(0, r.status(), r.toString());
        assertEquals(5, MetricsTable.read(out.resolve("gc-s0/metrics.csv")).rows());
        assertEquals(List.of(2.0, 3.0, 4.0, 5.0),
                boxed(MetricsTable.read(out.resolve("gc-s0/scores.csv")).column("step")));

        // Again with an option that defines the runs changed: refused before any run trains, naming the option.
        String summaryBefore = Files.readString(out.resolve("summary.txt"));
        r = CliRunner.run(CliRunner.with(experiment(out, "6"), "--lr", "0.01"));
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run plain s0: --resume ") && r.err().contains("--g-lr (the run: 0.001, now: 0.01)")
                && r.err().contains("--overwrite"), r.err());
        assertTrue(!r.out().contains("experiment: run 1 of 4"), "nothing trained: " + r);
        assertEquals(5, MetricsTable.read(out.resolve("plain-s0/metrics.csv")).rows());
        assertEquals(summaryBefore, Files.readString(out.resolve("summary.txt")));
    }

    @Test
    void badConfigurationsAreRefusedBeforeAnyRun() {
        Path out = tmp.resolve("bad");
        CliRunner.Result r = CliRunner.run("experiment", "--out", out.toString(), "--run", "no-equals-sign");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--run: 'no-equals-sign' is not NAME=OPTIONS"), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--run", "A+B=--gc gc", "--run", "a b=--gc none");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("the same folder name 'a-b'"), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--seeds", "0,x");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--seeds: 'x' is not a whole number"), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--", "--seed", "3");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--seed is set by the experiment"), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--run", "=--gc none");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--run: '=--gc none' is not NAME=OPTIONS"), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--run", "a,b=--gc gc");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--run: the name 'a,b' contains a comma"), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--run", "a=--gc gc", "--run", "a=--gc none");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--run: the name 'a' is given twice"), r.err());
        // a repeated option gets the hint where the two come from; another refusal does not
        r = CliRunner.run("experiment", "--out", out.toString(), "--run", "a=--lr 0.1", "--", "--data", "8gaussians",
                "--lr", "0.2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run a: --lr is given 2 times") && r.err().contains(REPEATED_HINT), r.err());
        r = CliRunner.run("experiment", "--out", out.toString(), "--run", "a=--lr -1", "--", "--data", "8gaussians");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run a: --lr") && !r.err().contains(REPEATED_HINT), r.err());
        assertTrue(Files.notExists(out), "nothing written");
    }

    private static final String REPEATED_HINT = "(a configuration's options and those after -- go to the same train"
            + " command";

    @Test
    void filesInTheWayOfTheExperimentsOwnAreRefusedBeforeAnyRun() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("exp"));
        Path scores = Files.writeString(out.resolve("compare-scores.png"), "my notes");
        CliRunner.Result r = CliRunner.run("experiment", "--out", out.toString(), "--", "--data", "8gaussians");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--out " + scores + " exists and is not a PNG image"), r.err());
        Files.delete(scores);
        // a summary.txt that is not text (not UTF-8) is no earlier experiment's
        Path summary = Files.write(out.resolve("summary.txt"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, '\n'});
        r = CliRunner.run("experiment", "--out", out.toString(), "--", "--data", "8gaussians");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("its summary.txt was not written by gcgan experiment and is not replaced"),
                r.err());
        assertEquals(4, Files.size(summary));
        try (var s = Files.list(out)) {
            assertEquals(1, s.count(), "no run folder");
        }
    }

    @Test
    void aFailingRunDoesNotStopTheOthersAndSetsTheStatus() throws Exception {
        Path out = tmp.resolve("exp");
        // Plain SGD at lr 10 on an unclipped, unpenalised WGAN critic diverges within a few steps (status 3).
        CliRunner.Result r = CliRunner.run(CliRunner.with(new String[] {"experiment", "--out", out.toString(), "--run",
            "boom=--optimizer sgd --momentum 0 --gc none --lr 10 --loss wgan --penalty none --clip 0 --steps 500",
            "--run", "ok=--gc none --steps 3"}, TINY));
        assertEquals(TrainingRun.EXIT_DIVERGED, r.status(), r.toString());
        assertTrue(r.err().contains("experiment: boom ended with exit status 3; going on with the others"), r.err());
        assertTrue(r.out().contains("experiment: run 2 of 2, ok -> "), r.out());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("final metrics ")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("boom "))
                && lines.stream().anyMatch(l -> l.startsWith("ok ")), r.out());
        assertTrue(lines.contains("summary: " + out.resolve("summary.txt").toAbsolutePath().normalize()), r.out());
        assertTrue(Files.readString(out.resolve("summary.txt")).contains("final metrics"));
    }

    @Test
    void overwriteStartsEveryRunAgain() throws Exception {
        Path out = tmp.resolve("exp");
        String[] once = CliRunner.with(new String[] {"experiment", "--out", out.toString(), "--run", "a=--gc none"},
                CliRunner.with(TINY, "--steps", "2"));
        assertEquals(0, CliRunner.run(once).status());
        CliRunner.Result r = CliRunner.run(CliRunner.with(new String[] {"experiment", "--out", out.toString(), "--run",
            "a=--gc none", "--overwrite"}, CliRunner.with(TINY, "--steps", "2")));
        assertEquals(0, r.status(), r.toString());
        @SuppressWarnings("unchecked")
        List<Object> history = (List<Object>) io.gcgan.report.Json.read(out.resolve("a/config.json")).get("history");
        assertEquals(1, history.size(), "started again, not resumed: " + history);
        assertEquals(2, MetricsTable.read(out.resolve("a/metrics.csv")).rows());
    }

    private static List<Double> boxed(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
