package io.gcgan.bench;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
     * Runs JMH with its command-line options {@code args}, selecting {@code benchmark} when they select nothing;
     * null when they ask for JMH's help or a listing ({@code -h}, {@code -l}, {@code -lp}, {@code -lprof},
     * {@code -lrf}), which JMH then printed itself and nothing ran.
     *
     * @throws IllegalArgumentException for a {@code -p} that no benchmark declares ({@link #requireKnownParameters})
     */
    static Collection<RunResult> run(String[] args, Class<?> benchmark) throws Exception {
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
        return new Runner(options.build()).run();
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
