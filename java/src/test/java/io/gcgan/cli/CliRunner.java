package io.gcgan.cli;

import io.gcgan.report.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the command line in this JVM and captures what it prints. */
final class CliRunner {

    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private CliRunner() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    /** {@code base} followed by {@code more}. */
    static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** The "options" object of a run folder's config.json. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> savedOptions(Path run) throws Exception {
        return (Map<String, Object>) Json.read(run.resolve("config.json")).get("options");
    }
}
