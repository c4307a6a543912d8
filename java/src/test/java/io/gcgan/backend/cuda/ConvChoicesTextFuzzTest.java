package io.gcgan.backend.cuda;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.tensor.DType;
import io.gcgan.testutil.FileFuzz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder's conv-choices.txt as {@link ConvChoicesText#format} writes it, damaged in many seeded ways
 * ({@link FileFuzz}) and parsed as a resume parses it (on the CPU, no GPU needed): the choices it holds, or an
 * {@code IllegalArgumentException} naming the file. (Checked to fail when {@code parse} stops catching a field that is
 * not an integer.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConvChoicesTextFuzzTest {

    @TempDir
    Path tmp;

    @Test
    void damagedChoicesAreParsedOrRefusedByName() throws Exception {
        ConvGeometry d4 = new ConvGeometry(64, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1);
        ConvGeometry d1 = new ConvGeometry(64, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1);
        String valid = ConvChoicesText.format(Map.of(
                new ConvAutotune.Key(OwnConvolution.Pass.FORWARD, d4, DType.FLOAT32, false,
                        ConvAutotuneTiming.WITH_LAUNCHES), ConvImplementation.GEMM,
                new ConvAutotune.Key(OwnConvolution.Pass.BACKWARD_WEIGHT, d1, DType.FLOAT32, true,
                        ConvAutotuneTiming.WITH_LAUNCHES), ConvImplementation.OWN,
                new ConvAutotune.Key(OwnConvolution.Pass.BACKWARD_DATA, d4, DType.FLOAT64, false,
                        ConvAutotuneTiming.DEVICE_ONLY), ConvImplementation.CUDNN), "cuda:0 (test device)");
        FileFuzz.check(tmp.resolve("conv-choices.txt"), FileFuzz.textCases(valid, 1, 60, 200, 40),
                p -> ConvChoicesText.parse(new String(Files.readAllBytes(p), StandardCharsets.UTF_8), p.toString()),
                IllegalArgumentException.class, FileFuzz.anyResult());
    }
}
