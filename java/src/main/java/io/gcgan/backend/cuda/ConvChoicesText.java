package io.gcgan.backend.cuda;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.tensor.DType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ConvImplementation#AUTO}'s choices as text ({@link CudaBackend#exportConvChoices},
 * {@link CudaBackend#importConvChoices}), so that a resumed or repeated run takes the implementation the measuring run
 * took for every pass, instead of measuring again: auto's measurements can differ from run to run.
 *
 * <pre>
 *   # gcgan conv choices 1
 *   # measured on cuda:0 (NVIDIA H200, ...)
 *   # pass n c h w k r s stride_h stride_w pad_h pad_w dtype math implementation
 *   forward 64 256 8 8 512 4 4 2 2 1 1 float32 fp32 gemm
 * </pre>
 *
 * One line per pass ({@code forward}, {@code backward_data}, {@code backward_weight}), geometry (the fields of
 * {@link ConvGeometry} in order), dtype, math ({@code fp32} or {@code tf32}) and concrete implementation; a line
 * starting with {@code #} is a comment, blank lines are skipped, the first line is the format's. How auto timed its
 * candidates ({@link ConvAutotuneTiming}) is not written: a choice read back serves either timing.
 */
final class ConvChoicesText {

    static final String FIRST_LINE = "# gcgan conv choices 1";
    private static final String COLUMNS =
            "# pass n c h w k r s stride_h stride_w pad_h pad_w dtype math implementation";
    private static final int FIELDS = 15;

    /** One choice: what it depends on but the timing, and the implementation chosen. */
    record Choice(OwnConvolution.Pass pass, ConvGeometry geometry, DType dtype, boolean tf32,
                  ConvImplementation implementation) {

        String line() {
            ConvGeometry g = geometry;
            return String.join(" ", pass.cName, Integer.toString(g.n()), Integer.toString(g.c()),
                    Integer.toString(g.h()), Integer.toString(g.w()), Integer.toString(g.k()), Integer.toString(g.r()),
                    Integer.toString(g.s()), Integer.toString(g.strideH()), Integer.toString(g.strideW()),
                    Integer.toString(g.padH()), Integer.toString(g.padW()), dtype.displayName(), tf32 ? "tf32" : "fp32",
                    implementation.optionName());
        }

        /** The line without the implementation: two lines with the same key contradict each other. */
        String key() {
            String line = line();
            return line.substring(0, line.lastIndexOf(' '));
        }
    }

    private ConvChoicesText() {
    }

    /**
     * The text of {@code choices}, one line per key without its timing, sorted; where two timings chose differently
     * for one pass, the {@link ConvAutotuneTiming#WITH_LAUNCHES} choice (the default timing) is written.
     *
     * @param device the device the choices were measured on, for the comment line
     */
    static String format(Map<ConvAutotune.Key, ConvImplementation> choices, String device) {
        Map<String, Choice> byKey = new HashMap<>();
        choices.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getKey().timing()))
                .forEach(e -> {
                    ConvAutotune.Key k = e.getKey();
                    Choice c = new Choice(k.pass(), k.geometry(), k.dtype(), k.tf32(), e.getValue());
                    byKey.putIfAbsent(c.key(), c);
                });
        StringBuilder sb = new StringBuilder(FIRST_LINE).append('\n');
        sb.append("# measured on ").append(device.replace('\n', ' ')).append('\n');
        sb.append(COLUMNS).append('\n');
        byKey.values().stream().map(Choice::line).sorted().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /**
     * The choices in {@code text}.
     *
     * @param source what the text is (a file name), for the error messages
     * @throws IllegalArgumentException naming {@code source}, the line and what is wrong with it: not this format, a
     *                                  field count or value out of place, {@code auto} as a choice, or one pass chosen
     *                                  twice
     */
    static List<Choice> parse(String text, String source) {
        String[] lines = text.split("\r?\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals(FIRST_LINE)) {
            throw new IllegalArgumentException(source + ": not a gcgan conv choices file (its first line must be '"
                    + FIRST_LINE + "')");
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Choice> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNumber = i + 1;
            Choice c = parseLine(line, source + " line " + lineNumber);
            Integer earlier = seen.putIfAbsent(c.key(), lineNumber);
            if (earlier != null) {
                throw new IllegalArgumentException(source + " line " + lineNumber + ": the pass of line " + earlier
                        + " again ('" + c.key() + "')");
            }
            out.add(c);
        }
        return out;
    }

    private static Choice parseLine(String line, String where) {
        String[] f = line.split("\\s+");
        if (f.length != FIELDS) {
            throw new IllegalArgumentException(where + ": " + FIELDS + " fields expected ("
                    + COLUMNS.substring(2) + "), got " + f.length + ": '" + line + "'");
        }
        OwnConvolution.Pass pass = null;
        for (OwnConvolution.Pass p : OwnConvolution.Pass.values()) {
            if (p.cName.equals(f[0])) {
                pass = p;
            }
        }
        if (pass == null) {
            throw new IllegalArgumentException(where + ": pass must be forward, backward_data or backward_weight, got '"
                    + f[0] + "'");
        }
        int[] v = new int[11];
        String[] names = COLUMNS.substring(2).split(" ");
        for (int j = 0; j < v.length; j++) {
            try {
                v[j] = Integer.parseInt(f[1 + j]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + names[1 + j] + " must be an integer, got '"
                        + f[1 + j] + "'");
            }
        }
        ConvGeometry g;
        try {
            g = new ConvGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        DType dtype = switch (f[12]) {
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            default -> throw new IllegalArgumentException(where + ": dtype must be float32 or float64, got '" + f[12]
                    + "'");
        };
        boolean tf32 = switch (f[13]) {
            case "fp32" -> false;
            case "tf32" -> true;
            default -> throw new IllegalArgumentException(where + ": math must be fp32 or tf32, got '" + f[13] + "'");
        };
        ConvImplementation impl;
        try {
            impl = ConvImplementation.fromName(f[14].toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (impl == ConvImplementation.AUTO) {
            throw new IllegalArgumentException(where + ": a choice names a concrete implementation (own, gemm or"
                    + " cudnn), not auto");
        }
        return new Choice(pass, g, dtype, tf32, impl);
    }
}
