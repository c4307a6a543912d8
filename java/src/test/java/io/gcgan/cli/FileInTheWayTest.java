package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output under a file (--out notes.txt/run): each command names the file that stands where a folder is needed,
 * rather than the OS's "Not a directory" or "already exists" about another path.
 */
class FileInTheWayTest {

    @TempDir
    Path tmp;

    @Test
    void eachCommandNamesTheFileWhereAFolderIsNeeded() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        String expected = "not a folder: " + file;

        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--quiet", "--out",
                file.resolve("run").toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("cannot create the run folder " + file.resolve("run") + ": " + expected),
                r.err());

        r = CliRunner.run("dirac", "--steps", "5", "--out", file.resolve("dirac.png").toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("cannot write " + file.resolve("dirac.png") + ": " + expected), r.err());

        r = CliRunner.run("experiment", "--out", file.resolve("study").toString(), "--", "--data", "8gaussians",
                "--steps", "1");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("cannot create the experiment's folder " + file.resolve("study") + ": " + expected),
                r.err());
        assertEquals("keep me", Files.readString(file));
    }
}
