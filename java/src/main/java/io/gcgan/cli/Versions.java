package io.gcgan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/** The versions config.json and {@code gcgan --version} report. */
final class Versions implements CommandLine.IVersionProvider {

    private static final String POM_PROPERTIES = "META-INF/maven/io.gcgan/gcgan-java/pom.properties";

    /** gcgan's version: from the jar's Maven metadata, or "unpackaged" when run from compiled classes. */
    static String gcgan() {
        try (InputStream in = Versions.class.getClassLoader().getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        String v = Versions.class.getPackage().getImplementationVersion();
        return v != null ? v : "unpackaged";
    }

    /** The git commit the launcher passes as -Dgcgan.git, or null. */
    static String gitCommit() {
        String c = System.getProperty("gcgan.git");
        return c == null || c.isBlank() ? null : c.strip();
    }

    static Map<String, Object> all() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gcgan", gcgan());
        if (gitCommit() != null) {
            m.put("git", gitCommit());
        }
        m.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        return m;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gcgan " + gcgan() + (gitCommit() != null ? " (" + gitCommit() + ")" : ""),
            "Java " + System.getProperty("java.version") + ", " + System.getProperty("java.vm.name")};
    }
}
