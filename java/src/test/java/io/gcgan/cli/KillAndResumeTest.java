package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.Checkpoint;
import io.gcgan.report.Checkpoints;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: a training run in a child JVM is killed without warning (SIGKILL) while it writes checkpoints
 * every few steps; the resumed run's metrics equal an uninterrupted run's. And SIGINT (Ctrl-C) saves a checkpoint of
 * the step it stopped at before the process exits.
 */
class KillAndResumeTest {

    @TempDir
    Path tmp;

    private static Process startTraining(Path run, Path log, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(ResumeTest.args(ResumeTest.TOY, "--steps", "1000000", "--out", run.toString())));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the run has a checkpoint of at least {@code step} steps. */
    private static long awaitCheckpoint(Path run, long step, Process p, Path log) throws Exception {
        Checkpoints cps = new Checkpoints(run.resolve("checkpoints"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> "the child exited early:\n" + read(log));
            Optional<Path> latest = Files.isDirectory(cps.dir()) ? cps.latest() : Optional.empty();
            if (latest.isPresent() && Checkpoints.stepOf(latest.get()) >= step) {
                return Checkpoints.stepOf(latest.get());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no checkpoint of step " + step + " within 60 s:\n" + read(log));
    }

    /** Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status). */
    private static boolean ignoresSigint() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).strip(), 16) & 0x2) != 0;
                }
            }
        } catch (Exception e) {
            // not Linux: assume a normal terminal
        }
        return false;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void aKilledRunResumesToTheSameMetricsAsAnUninterruptedOne() throws Exception {
        Path run = tmp.resolve("killed");
        Path log = tmp.resolve("child.log");
        Process p = startTraining(run, log, "--checkpoint-every", "3", "--keep", "2");
        try {
            awaitCheckpoint(run, 24, p, log);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        // Whatever moment the kill hit, the latest checkpoint is complete and readable.
        Path latest = new Checkpoints(run.resolve("checkpoints")).latest().orElseThrow();
        long at = Checkpoint.readInfo(latest).state().step();
        assertTrue(at >= 24, "checkpoint step " + at);
        long total = at + 12;

        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", Long.toString(total));
        assertEquals(0, r.status(), r.toString());
        Path whole = tmp.resolve("whole");
        r = CliRunner.run(ResumeTest.args(ResumeTest.TOY, "--steps", Long.toString(total), "--out", whole.toString()));
        assertEquals(0, r.status(), r.toString());
        List<String> expected = ResumeTest.metricsWithoutTime(whole);
        assertEquals(total + 1, expected.size());
        assertEquals(expected, ResumeTest.metricsWithoutTime(run));
    }

    @Test
    void ctrlCSavesACheckpointOfTheLastStepBeforeExiting() throws Exception {
        Path run = tmp.resolve("stopped");
        Path log = tmp.resolve("child.log");
        // Checkpoints only every 10,000 steps: the one we find after SIGINT comes from the shutdown hook.
        Process p = startTraining(run, log, "--checkpoint-every", "10000");
        Path metrics = run.resolve("metrics.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!Files.exists(metrics) || Files.readAllLines(metrics).size() < 20) && System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> "the child exited early:\n" + read(log));
            Thread.sleep(20);
        }
        // What Ctrl-C in a terminal sends to the foreground process. A JVM that starts with SIGINT ignored (this
        // test's JVM when it runs as a background job of a non-interactive shell; the child inherits that) keeps
        // ignoring it, so then send SIGTERM, which goes through the same shutdown hook.
        int expected;
        if (ignoresSigint()) {
            p.destroy();
            expected = 128 + 15;
        } else {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -INT failed");
            expected = 128 + 2;
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not exit after SIGINT / SIGTERM");
        assertEquals(expected, p.exitValue(), read(log));
        Path latest = new Checkpoints(run.resolve("checkpoints")).latest().orElseThrow(
                () -> new AssertionError("no checkpoint after SIGINT:\n" + read(log)));
        long step = Checkpoint.readInfo(latest).state().step();
        long rows = Files.readAllLines(metrics).size() - 1;
        assertTrue(step >= 19, "checkpoint at step " + step);
        assertEquals(rows, step, "the checkpoint covers every step in metrics.csv");
        assertTrue(read(log).contains("interrupted") && read(log).contains("--resume " + run), read(log));
        assertTrue(new File(run.toFile(), "loss.png").isFile());
    }
}
