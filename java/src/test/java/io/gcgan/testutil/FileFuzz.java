package io.gcgan.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Damaged copies of a valid file, and the check that a reader meets each one with a result or with its documented
 * exception naming the file: the fuzz tests of every reader of user-supplied and run-folder files.
 *
 * <p>The damage is what happens to real files, from a seeded {@link Random} (the same cases on every run): the empty
 * file, truncation (every length up to a limit, then a sample), single bytes flipped or overwritten, header fields
 * set to extreme values (0, -1, 2^31, 2^40, ...), garbage appended, bytes inserted or deleted in the middle, lines
 * swapped or dropped; for text, number tokens replaced by extreme or malformed values.
 *
 * <p>A reader fails a case by throwing anything but its documented exception (an {@code ArrayIndexOutOfBounds}, a
 * {@code NumberFormatException}, an {@code OutOfMemoryError} from a trusted length...), or that exception without the
 * file's name in its message, or a result that the test's own check refuses, or by allocating more than 64 MiB of heap
 * for the small file (a size in the file trusted before it was compared with the file's). The failures are collected
 * and reported together, each with its case, and the stack trace of the first exception.
 */
public final class FileFuzz {

    private static final int SHOWN = 8;

    /**
     * The most heap a reader may allocate for one small damaged file (the thread's own allocations): a reader that
     * sizes a buffer by a header's claim, instead of by the file, goes past it.
     */
    private static final long MAX_ALLOCATED_BYTES = 64L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FileFuzz() {
    }

    /** One damaged file: what was done to it, and its bytes. */
    public record Case(String description, byte[] content) {
    }

    /** A fixed-width integer field of a binary header: where it is, its width (1 to 8 bytes) and byte order. */
    public record Field(String name, int offset, int width, ByteOrder order) {
    }

    /** Reads one file, as the code under test does. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path file) throws Exception;
    }

    /** Checks a result the reader returned for a case (throws, e.g. an assertion, to refuse it). */
    @FunctionalInterface
    public interface Accepted<T> {
        void check(Case c, T result) throws Exception;
    }

    /** The values a header field is set to, besides its own value plus and minus one. */
    private static final long[] EXTREMES = {0, 1, 2, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 1L << 40,
        Long.MAX_VALUE, -1L, Long.MIN_VALUE};

    /**
     * The damaged copies of {@code valid}: the empty file; every truncation up to {@code allTruncationsUpTo} bytes
     * and {@code random} more at random lengths; {@code random} single-byte flips and as many overwrites at random
     * offsets; every field of {@code fields} set to each extreme value; garbage appended (1, 8 and 1,000 random bytes,
     * and 8 zero bytes); {@code random / 4} random insertions and deletions.
     */
    public static List<Case> binaryCases(byte[] valid, long seed, int allTruncationsUpTo, int random,
                                         List<Field> fields) {
        Random rnd = new Random(seed);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("empty file", new byte[0]));
        int n = valid.length;
        for (int len = 1; len < n && len <= allTruncationsUpTo; len++) {
            cases.add(truncated(valid, len));
        }
        if (n > allTruncationsUpTo + 1) {
            for (int i = 0; i < random; i++) {
                cases.add(truncated(valid, allTruncationsUpTo + 1 + rnd.nextInt(n - allTruncationsUpTo - 1)));
            }
        }
        for (int i = 0; i < random; i++) {
            int at = rnd.nextInt(n);
            int mask = 1 << rnd.nextInt(8);
            byte[] b = valid.clone();
            b[at] ^= (byte) mask;
            cases.add(new Case("bit flip 0x" + Integer.toHexString(mask) + " at byte " + at, b));
        }
        for (int i = 0; i < random; i++) {
            int at = rnd.nextInt(n);
            byte[] b = valid.clone();
            b[at] = (byte) rnd.nextInt(256);
            cases.add(new Case("byte " + at + " set to 0x" + Integer.toHexString(b[at] & 0xFF), b));
        }
        for (Field f : fields) {
            long own = get(valid, f);
            List<Long> values = new ArrayList<>();
            for (long v : EXTREMES) {
                values.add(v);
            }
            values.add(own + 1);
            values.add(own - 1);
            for (long v : values) {
                byte[] b = valid.clone();
                put(b, f, v);
                cases.add(new Case("field " + f.name() + " (" + own + ") set to " + v, b));
            }
        }
        for (int extra : new int[] {1, 8, 1000}) {
            byte[] garbage = new byte[extra];
            rnd.nextBytes(garbage);
            cases.add(new Case(extra + " random bytes appended", concat(valid, garbage)));
        }
        cases.add(new Case("8 zero bytes appended", concat(valid, new byte[8])));
        for (int i = 0; i < random / 4; i++) {
            int at = rnd.nextInt(n + 1);
            byte[] ins = new byte[1 + rnd.nextInt(16)];
            rnd.nextBytes(ins);
            cases.add(new Case(ins.length + " random bytes inserted at " + at,
                    concat(concat(Arrays.copyOf(valid, at), ins), Arrays.copyOfRange(valid, at, n))));
            int from = rnd.nextInt(n);
            int to = Math.min(n, from + 1 + rnd.nextInt(16));
            cases.add(new Case("bytes [" + from + ", " + to + ") deleted",
                    concat(Arrays.copyOf(valid, from), Arrays.copyOfRange(valid, to, n))));
        }
        return cases;
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    /** What a number in a text file is replaced with. */
    private static final String[] NUMBER_REPLACEMENTS = {"-1", "0", "1.5", "-0.0", "1e308", "1e400", "-1e400",
        "99999999999999999999", "-99999999999999999999", "9223372036854775807", "9223372036854775808", "NaN",
        "Infinity", "null", "\"7\"", "[]", "{}", "true", "", "0x10", "1,2", "\u0661"};

    /**
     * The damaged copies of a valid text file: the {@linkplain #binaryCases binary cases} of its UTF-8 bytes (without
     * header fields); up to {@code numbers} of its number tokens (a seeded sample when it has more), each replaced in
     * turn by every one of a list of extreme and malformed values; and {@code random / 4} cases each of a line dropped,
     * a line repeated, two lines swapped, and a line cut short.
     */
    public static List<Case> textCases(String valid, long seed, int allTruncationsUpTo, int random, int numbers) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        List<Case> cases = new ArrayList<>(binaryCases(bytes, seed, allTruncationsUpTo, random, List.of()));
        Random rnd = new Random(seed + 1);
        List<MatchResult> tokens = new ArrayList<>(NUMBER.matcher(valid).results().toList());
        Collections.shuffle(tokens, rnd);
        for (MatchResult m : tokens.subList(0, Math.min(numbers, tokens.size()))) {
            for (String r : NUMBER_REPLACEMENTS) {
                String text = valid.substring(0, m.start()) + r + valid.substring(m.end());
                cases.add(new Case("number '" + m.group() + "' at char " + m.start() + " replaced by '" + r + "'",
                        text.getBytes(StandardCharsets.UTF_8)));
            }
        }
        List<String> lines = List.of(valid.split("\n", -1));
        for (int i = 0; i < random / 4 && lines.size() > 1; i++) {
            int a = rnd.nextInt(lines.size());
            int b = rnd.nextInt(lines.size());
            List<String> dropped = new ArrayList<>(lines);
            dropped.remove(a);
            cases.add(lines("line " + (a + 1) + " dropped", dropped));
            List<String> repeated = new ArrayList<>(lines);
            repeated.add(a, lines.get(a));
            cases.add(lines("line " + (a + 1) + " repeated", repeated));
            List<String> swapped = new ArrayList<>(lines);
            swapped.set(a, lines.get(b));
            swapped.set(b, lines.get(a));
            cases.add(lines("lines " + (a + 1) + " and " + (b + 1) + " swapped", swapped));
            List<String> cut = new ArrayList<>(lines);
            String line = lines.get(a);
            cut.set(a, line.substring(0, rnd.nextInt(line.length() + 1)));
            cases.add(lines("line " + (a + 1) + " cut short", cut));
        }
        return cases;
    }

    /**
     * The damaged copies of a safetensors file's JSON header ({@link #textCases} of it), each put back in front of the
     * file's data with its length, so that the reader parses the damaged JSON.
     */
    public static List<Case> safetensorsHeaderCases(byte[] file, long seed, int random, int numbers) {
        int n = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(file, 8, n, StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(file, 8 + n, file.length);
        List<Case> cases = new ArrayList<>();
        for (Case c : textCases(json, seed, 0, random, numbers)) {
            ByteBuffer b = ByteBuffer.allocate(8 + c.content().length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(c.content().length).put(c.content()).put(data);
            cases.add(new Case("header " + c.description(), b.array()));
        }
        return cases;
    }

    private static Case lines(String description, List<String> lines) {
        return new Case(description, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes each case to {@code file} and reads it: the reader must return a result that {@code accepted} takes, or
     * throw a {@code documented} exception whose message contains the file's name.
     *
     * @return the number of cases the reader accepted
     */
    public static <T> int check(Path file, List<Case> cases, Reader<T> reader, Class<? extends Exception> documented,
                                Accepted<T> accepted) throws Exception {
        String name = file.getFileName().toString();
        List<String> failures = new ArrayList<>();
        Throwable first = null;
        int acceptedCount = 0;
        for (Case c : cases) {
            Files.deleteIfExists(file); // a new file: rewriting one in place can wait for the disk (ext4)
            Files.write(file, c.content());
            Throwable problem = null;
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            try {
                T result = reader.read(file);
                accepted.check(c, result);
                acceptedCount++;
            } catch (Exception | Error e) {
                problem = e;
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            if (allocated > MAX_ALLOCATED_BYTES) {
                failures.add(c.description() + ": " + allocated + " bytes allocated for a file of " + c.content().length
                        + " (trusting a size in it?), then " + (problem == null ? "accepted" : problem));
            } else if (problem != null && !(documented.isInstance(problem)
                    && String.valueOf(problem.getMessage()).contains(name))) {
                failures.add(c.description() + ": " + problem);
                first = first == null ? problem : first;
            }
        }
        if (!failures.isEmpty()) {
            StringWriter trace = new StringWriter();
            if (first != null) {
                trace.write("\nthe first exception's stack trace:\n");
                first.printStackTrace(new PrintWriter(trace));
            }
            fail(failures.size() + " of " + cases.size() + " damaged copies of " + name + " were not met with a "
                    + documented.getSimpleName() + " naming the file:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(SHOWN, failures.size())))
                    + (failures.size() > SHOWN ? "\n  ... and " + (failures.size() - SHOWN) + " more" : "")
                    + trace);
        }
        return acceptedCount;
    }

    /**
     * Puts an empty folder where {@code file} is expected: the reader must throw a {@code documented} exception whose
     * message contains the file's name. The folder is removed afterwards.
     */
    public static void checkFolderInPlace(Path file, Reader<?> reader, Class<? extends Exception> documented)
            throws Exception {
        Files.deleteIfExists(file);
        Files.createDirectory(file);
        Object result;
        try {
            result = reader.read(file);
        } catch (Exception | Error e) {
            if (!documented.isInstance(e) || !String.valueOf(e.getMessage()).contains(file.getFileName().toString())) {
                fail("a folder in place of " + file.getFileName() + " was not met with a " + documented.getSimpleName()
                        + " naming it: " + e, e);
            }
            return;
        } finally {
            Files.delete(file);
        }
        fail(file.getFileName() + " is a folder, but it was read as " + result);
    }

    /** A reader that must refuse every case (e.g. truncations): accepted results fail the check. */
    public static <T> Accepted<T> refuseAll() {
        return (c, result) -> fail(c.description() + ": accepted, as " + result);
    }

    /** Accepts whatever the reader returns. */
    public static <T> Accepted<T> anyResult() {
        return (c, result) -> {
        };
    }

    private static Case truncated(byte[] valid, int length) {
        return new Case("truncated to " + length + " of " + valid.length + " bytes", Arrays.copyOf(valid, length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long get(byte[] b, Field f) {
        long v = 0;
        for (int i = 0; i < f.width(); i++) {
            int at = f.order() == ByteOrder.BIG_ENDIAN ? f.offset() + i : f.offset() + f.width() - 1 - i;
            v = (v << 8) | (b[at] & 0xFF);
        }
        return v;
    }

    private static void put(byte[] b, Field f, long v) {
        for (int i = 0; i < f.width(); i++) {
            int shift = 8 * i;
            int at = f.order() == ByteOrder.BIG_ENDIAN ? f.offset() + f.width() - 1 - i : f.offset() + i;
            b[at] = (byte) (v >>> shift);
        }
    }
}
