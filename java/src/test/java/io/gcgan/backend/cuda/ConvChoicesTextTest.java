package io.gcgan.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvChoicesText}: auto's choices written one line per pass, geometry, dtype and math, read back the same, and
 * every malformed line refused with the source, its line number and what is wrong.
 */
class ConvChoicesTextTest {

    private static final ConvGeometry D4 = new ConvGeometry(64, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1);
    private static final ConvGeometry D1 = new ConvGeometry(64, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1);

    private static ConvAutotune.Key key(OwnConvolution.Pass pass, ConvGeometry g, boolean tf32,
                                        ConvAutotuneTiming timing) {
        return new ConvAutotune.Key(pass, g, DType.FLOAT32, tf32, timing);
    }

    @Test
    void choicesAreWrittenSortedAndReadBackTheSame() {
        Map<ConvAutotune.Key, ConvImplementation> choices = Map.of(
                key(OwnConvolution.Pass.FORWARD, D4, false, ConvAutotuneTiming.WITH_LAUNCHES), ConvImplementation.GEMM,
                key(OwnConvolution.Pass.BACKWARD_WEIGHT, D1, true, ConvAutotuneTiming.WITH_LAUNCHES),
                ConvImplementation.OWN,
                // the same pass measured with both timings: the default timing's choice is written
                key(OwnConvolution.Pass.BACKWARD_DATA, D4, false, ConvAutotuneTiming.DEVICE_ONLY),
                ConvImplementation.CUDNN,
                key(OwnConvolution.Pass.BACKWARD_DATA, D4, false, ConvAutotuneTiming.WITH_LAUNCHES),
                ConvImplementation.OWN);
        String text = ConvChoicesText.format(choices, "cuda:0 (test device)");
        assertEquals("""
                # gcgan conv choices 1
                # measured on cuda:0 (test device)
                # pass n c h w k r s stride_h stride_w pad_h pad_w dtype math implementation
                backward_data 64 256 8 8 512 4 4 2 2 1 1 float32 fp32 own
                backward_weight 64 3 64 64 64 4 4 2 2 1 1 float32 tf32 own
                forward 64 256 8 8 512 4 4 2 2 1 1 float32 fp32 gemm
                """, text);
        assertEquals(List.of(
                new ConvChoicesText.Choice(OwnConvolution.Pass.BACKWARD_DATA, D4, DType.FLOAT32, false,
                        ConvImplementation.OWN),
                new ConvChoicesText.Choice(OwnConvolution.Pass.BACKWARD_WEIGHT, D1, DType.FLOAT32, true,
                        ConvImplementation.OWN),
                new ConvChoicesText.Choice(OwnConvolution.Pass.FORWARD, D4, DType.FLOAT32, false,
                        ConvImplementation.GEMM)), ConvChoicesText.parse(text, "t.txt"));
        assertEquals(1, ConvChoicesText.parse("# gcgan conv choices 1\r\n\r\n  # a comment\r\n"
                + "forward 1 2 3 3 4 3 3 1 1 1 1 float64 fp32 CUDNN\r\n", "crlf.txt").size(), "CRLF, blanks, case");
        assertEquals(List.of(), ConvChoicesText.parse(ConvChoicesText.format(Map.of(), "none"), "empty.txt"));
    }

    @Test
    void malformedTextIsRefusedWithItsSourceAndLine() {
        String head = ConvChoicesText.FIRST_LINE + "\n";
        String ok = "forward 64 256 8 8 512 4 4 2 2 1 1 float32 fp32 gemm";
        assertRefused("plan.txt: not a gcgan conv choices file (its first line must be '# gcgan conv choices 1')",
                ok + "\n");
        assertRefused("plan.txt: not a gcgan conv choices file (its first line must be '# gcgan conv choices 1')", "");
        assertRefused("plan.txt line 2: 15 fields expected (pass n c h w k r s stride_h stride_w pad_h pad_w dtype"
                + " math implementation), got 14: 'forward 64 256 8 8 512 4 4 2 2 1 1 float32 fp32'",
                head + ok.substring(0, ok.lastIndexOf(' ')));
        assertRefused("plan.txt line 2: pass must be forward, backward_data or backward_weight, got 'backward'",
                head + ok.replace("forward", "backward"));
        assertRefused("plan.txt line 2: k must be an integer, got '5x'", head + ok.replace(" 512 ", " 5x "));
        assertRefused("plan.txt line 2: conv2d: stride must be >= 1, got (0, 2)",
                head + ok.replace(" 4 4 2 2 ", " 4 4 0 2 "));
        assertRefused("plan.txt line 2: dtype must be float32 or float64, got 'half'", head + ok.replace("float32",
                "half"));
        assertRefused("plan.txt line 2: math must be fp32 or tf32, got 'bf16'", head + ok.replace("fp32", "bf16"));
        assertRefused("plan.txt line 2: conv implementation must be one of [cudnn, own, gemm, auto], got 'fft'",
                head + ok.replace("gemm", "fft"));
        assertRefused("plan.txt line 2: a choice names a concrete implementation (own, gemm or cudnn), not auto",
                head + ok.replace("gemm", "auto"));
        assertRefused("plan.txt line 4: the pass of line 2 again ('forward 64 256 8 8 512 4 4 2 2 1 1 float32 fp32')",
                head + ok + "\n# same pass, another choice\n" + ok.replace("gemm", "own") + "\n");
    }

    private static void assertRefused(String message, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvChoicesText.parse(text, "plan.txt"));
        assertEquals(message, e.getMessage());
    }
}
