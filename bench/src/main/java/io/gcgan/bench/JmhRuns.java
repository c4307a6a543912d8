package io.gcgan.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/** The JMH run behind a benchmark's own {@code main}, which then prints a summary of the results. */
final class JmhRuns {

    private JmhRuns() {
    }

    /**
     * What a run gave: JMH's results (one per parameter set that ran to the end), the backend lines its forks
     * printed ({@link Transcript#backends}) and the parameter sets that failed ({@link Transcript#failures}), which
     * have no result.
     */
    record Outcome(Collection<RunResult> results, List<String> backends, List<String> failures) {

        /** The backend lines and the failures, as lines for a summary (none when there is nothing to say). */
        List<String> context() {
            List<String> lines = new ArrayList<>();
            for (String b : backends) {
                lines.add("  backend: " + b);
            }
            if (!failures.isEmpty()) {
                lines.add("  failed, so not above (" + failures.size() + "; each reason in full under its"
                        + " <failure>):");
                for (String f : failures) {
                    lines.add("    " + f);
                }
            }
            return lines;
        }
    }

    /**
     * Runs JMH with its command-line options {@code args}, selecting {@code benchmark} when they select nothing;
     * null when they ask for JMH's help or a listing ({@code -h}, {@code -l}, {@code -lp}, {@code -lprof},
     * {@code -lrf}), which JMH then printed itself and nothing ran. JMH's output (the forks' too) still goes to
     * {@code System.out}; it is read on the way for the {@link Outcome}'s backend lines and failures.
     *
     * @throws IllegalArgumentException for a {@code -p} that no benchmark declares ({@link #requireKnownParameters})
     */
    static Outcome run(String[] args, Class<?> benchmark) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers()
                || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return null;
        }
        requireKnownParameters(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(benchmark.getSimpleName());
        }
        PrintStream out = System.out;
        Transcript transcript = new Transcript();
        System.setOut(new PrintStream(transcript.tee(out), true, StandardCharsets.UTF_8));
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } finally {
            System.out.flush();
            System.setOut(out);
        }
        return new Outcome(results, List.copyOf(transcript.backends()), List.copyOf(transcript.failures()));
    }

    /**
     * Reads JMH's output line by line for what its results do not hold: the backend line each benchmark's
     * {@code @Setup} prints ({@code # cpu (2 cores; ...; GC sums with the Vector API); ...}, or the CUDA device's),
     * which JMH may print after {@code Iteration   1: } on the same line, and each {@code <failure>} with the
     * parameter set of the run (JMH's {@code # Parameters:} line before it) and the exception's first line.
     */
    static final class Transcript {

        /** A backend's description: {@code cpu (...)} or {@code cuda:N (...)}, after a {@code "# "}. */
        private static final Pattern BACKEND = Pattern.compile("# (cpu|cuda:[0-9]+) \\(");
        private static final int REASON_CHARS = 240;

        private final Set<String> backends = new LinkedHashSet<>();
        private final List<String> failures = new ArrayList<>();
        private String parameters = "";
        private boolean failed;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        /** The distinct backend lines, in the order first seen. */
        Set<String> backends() {
            return backends;
        }

        /** One entry per failure: the parameter set and the exception's first line (cut at 240 characters). */
        List<String> failures() {
            return failures;
        }

        /** Reads one line of JMH's output. */
        void line(String line) {
            if (line.startsWith("# Parameters: ")) {
                parameters = line.substring("# Parameters: ".length());
            }
            if (failed && !line.isBlank()) {
                String reason = line.strip();
                if (reason.length() > REASON_CHARS) {
                    reason = reason.substring(0, REASON_CHARS) + " ...";
                }
                failures.add((parameters.isEmpty() ? "" : parameters + ": ") + reason);
                failed = false;
            }
            if (line.contains("<failure>")) {
                failed = true;
            }
            Matcher m = BACKEND.matcher(line);
            if (m.find()) {
                String description = balanced(line, m.start() + 2);
                if (description != null) {
                    backends.add(description);
                }
            }
        }

        /** {@code out}, with every byte also read here, line by line. */
        OutputStream tee(OutputStream out) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    synchronized (Transcript.this) {
                        out.write(b);
                        take(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    synchronized (Transcript.this) {
                        out.write(b, off, len);
                        for (int i = off; i < off + len; i++) {
                            take(b[i]);
                        }
                    }
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }
            };
        }

        private void take(int b) {
            if (b == '\n') {
                line(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else if (b != '\r') {
                pending.write(b);
            }
        }

        /** The text of {@code line} from {@code start} to the parenthesis that closes its first one; else null. */
        static String balanced(String line, int start) {
            int depth = 0;
            for (int i = start; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return line.substring(start, i + 1);
                }
            }
            return null;
        }
    }

    /**
     * Refuses a {@code -p NAME=VALUES} whose NAME no benchmark of this build declares as a {@code @Param}: JMH
     * itself ignores it, so that a misspelt name ({@code -p implementaton=cpu}) would run every value of the
     * parameter meant (the CUDA ones too) and label nothing wrong. A name that only some of the selected benchmarks
     * declare stays allowed (the GPU check gives one {@code -p} list to several classes).
     *
     * @throws IllegalArgumentException naming the parameter and the names there are
     */
    static void requireKnownParameters(String[] args) {
        Set<String> known = null;
        for (int i = 0; i < args.length; i++) {
            String spec;
            if (args[i].equals("-p") && i + 1 < args.length) {
                spec = args[++i];
            } else if (args[i].startsWith("-p") && !args[i].startsWith("-prof") && args[i].contains("=")) {
                spec = args[i].substring(2); // -pNAME=VALUES, as JMH's option parser also takes it
            } else {
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                continue; // JMH reports a -p without NAME= itself
            }
            String name = spec.substring(0, eq);
            if (known == null) {
                known = parameterNames();
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("-p " + spec + ": no benchmark has a parameter '" + name
                        + "' (JMH would ignore it and run every value of the parameter meant); the parameters: "
                        + String.join(", ", known));
            }
        }
    }

    /** Every {@code @Param} name of the benchmarks in this build's benchmark list, sorted. */
    static Set<String> parameterNames() {
        Set<String> names = new TreeSet<>();
        Set<BenchmarkListEntry> entries = BenchmarkList.defaultList().getAll(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of());
        for (BenchmarkListEntry e : entries) {
            if (e.getParams().hasValue()) {
                Map<String, String[]> params = e.getParams().get();
                names.addAll(params.keySet());
            }
        }
        return names;
    }
}
