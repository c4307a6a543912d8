package io.gcgan.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** The JMH run behind a benchmark's own {@code main}, which then prints a summary of the results. */
final class JmhRuns {

    private JmhRuns() {
    }

    /**
     * Runs JMH with its command-line options {@code args}, selecting {@code benchmark} when they select nothing;
     * null when they ask for JMH's help or a listing ({@code -h}, {@code -l}, {@code -lp}, {@code -lprof},
     * {@code -lrf}), which JMH then printed itself and nothing ran.
     */
    static Collection<RunResult> run(String[] args, Class<?> benchmark) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers()
                || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return null;
        }
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(benchmark.getSimpleName());
        }
        return new Runner(options.build()).run();
    }
}
