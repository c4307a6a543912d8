package io.gcgan.bench;

/**
 * The benchmarks jar's entry point ({@code java -jar bench/target/benchmarks.jar ...}): JMH's own command line,
 * after one check that JMH does not make: every {@code -p NAME=...} must name a parameter that some benchmark
 * declares ({@link JmhRuns#requireKnownParameters}). A misspelt name is refused with exit status 1, as JMH refuses
 * an option it does not know, instead of running every value of the parameter meant.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (!parametersKnown(args)) {
            System.exit(1);
        }
        org.openjdk.jmh.Main.main(args);
    }

    /** False, with the reason on stderr, when a {@code -p} of {@code args} names no benchmark's parameter. */
    static boolean parametersKnown(String[] args) {
        try {
            JmhRuns.requireKnownParameters(args);
            return true;
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR: " + e.getMessage());
            return false;
        }
    }
}
