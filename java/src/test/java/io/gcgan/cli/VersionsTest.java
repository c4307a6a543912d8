package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The versions of config.json and gcgan --version: gcgan's own (never empty), and the git commit that the launcher
 * passes as -Dgcgan.git, stripped, and left out when blank.
 */
class VersionsTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty("gcgan.git");
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty("gcgan.git");
        } else {
            System.setProperty("gcgan.git", saved);
        }
    }

    @Test
    void gcgansVersionIsNeverEmpty() {
        String v = Versions.gcgan();
        assertNotNull(v);
        assertFalse(v.isBlank(), "'" + v + "'");
        assertEquals(v, Versions.all().get("gcgan"));
        assertTrue(new Versions().getVersion()[0].startsWith("gcgan " + v), new Versions().getVersion()[0]);
    }

    @Test
    void theGitCommitIsStrippedAndReported() {
        System.setProperty("gcgan.git", "  1a2b3c4 ");
        assertEquals("1a2b3c4", Versions.gitCommit());
        Map<String, Object> all = Versions.all();
        assertEquals("1a2b3c4", all.get("git"));
        assertEquals("gcgan " + Versions.gcgan() + " (1a2b3c4)", new Versions().getVersion()[0]);
    }

    @Test
    void noOrABlankGitCommitIsLeftOut() {
        for (String blank : new String[] {null, "", "  "}) {
            if (blank == null) {
                System.clearProperty("gcgan.git");
            } else {
                System.setProperty("gcgan.git", blank);
            }
            assertNull(Versions.gitCommit(), "'" + blank + "'");
            assertFalse(Versions.all().containsKey("git"), "'" + blank + "'");
            assertEquals("gcgan " + Versions.gcgan(), new Versions().getVersion()[0], "'" + blank + "'");
        }
    }
}
