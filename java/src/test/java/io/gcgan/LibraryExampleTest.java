package io.gcgan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.data.DataLoader;
import io.gcgan.data.Mnist;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.nn.Init;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it as a library" example, compiled and run here so that it cannot drift from the API: the text
 * between the two marker comments is the README's code block.
 */
class LibraryExampleTest {

    @Test
    void theReadmeExampleTrainsAGanWithGcAndScoresIt() throws Exception {
        // README example: begin
        Device device = Device.CPU;                       // or Device.cuda(0)
        int steps = 20;
        double dLast = Double.NaN;
        double gLast = Double.NaN;
        ModuleOptions o = ModuleOptions.of(new Generator(42)).withDevice(device);
        Module g = Init.dcgan(Mnist28.generator(o), o.generator());
        Module d = Init.dcgan(Mnist28.discriminator(o), o.generator());
        // Adam with Gradient Centralization of conv and fully connected weights, one fused step per network
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addModule(g).gc(GcMode.CONV_AND_FC).build()),
                0.5, 0.999, 1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addModule(d).gc(GcMode.CONV_AND_FC).build()),
                0.5, 0.999, 1e-8);
        DataLoader data = DataLoader.shuffled(Mnist.embedded(), 64, 1);
        Generator noise = new Generator(7);
        for (long step = 0; step < steps; step++) {
            try (TensorScope scope = TensorScope.open()) {    // frees this step's intermediates
                Tensor real = data.batch(step, DType.FLOAT32, device);
                Tensor fake = g.forward(Tensor.randn(noise, DType.FLOAT32, device, 64, Mnist28.NZ));
                // D: the standard GAN loss on logits, softplus(-D(x)) + softplus(D(G(z)))
                Tensor dLoss = d.forward(real).neg().softplus().mean()
                        .add(d.forward(fake.detach()).softplus().mean());
                dOpt.zeroGrad();
                Autograd.backward(dLoss);
                dOpt.step();
                // G: the non-saturating loss softplus(-D(G(z)))
                Tensor gLoss = d.forward(fake).neg().softplus().mean();
                gOpt.zeroGrad();
                Autograd.backward(gLoss);
                gOpt.step();
                dLast = dLoss.item();                        // a host read: waits for the device
                gLast = gLoss.item();
            }
        }
        // Sample quality: the digit scores of 1,000 samples against the embedded digits
        g.eval();
        DigitClassifier classifier = DigitClassifier.load(device);
        FeatureStatistics digits = DigitScores.referenceStatistics(classifier, Mnist.embedded(), device);
        DigitScores.Accumulator scores = new DigitScores.Accumulator(classifier, digits);
        try (TensorScope scope = TensorScope.open(); GradMode.Guard noGrad = GradMode.noGrad()) {
            scores.add(g.forward(Tensor.randn(noise, DType.FLOAT32, device, 1000, Mnist28.NZ)));
        }
        System.out.println(scores.result());   // FD ..., classifier score ..., digits covered, ...
        // README example: end
        assertTrue(Double.isFinite(dLast) && Double.isFinite(gLast), "losses " + dLast + ", " + gLast);
        DigitScores r = scores.result();
        assertTrue(r.count() == 1000 && Double.isFinite(r.frechetDistance()) && r.frechetDistance() > 0, r.toString());
    }

    @Test
    void theReadmeShowsThisExampleVerbatim() throws Exception {
        // Maven runs the tests in the module's folder: the README is one level up.
        String source = Files.readString(Path.of("src/test/java/io/gcgan/LibraryExampleTest.java"));
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "// README example: begin\n";
        String block = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("        // README example: end"));
        String expected = block.lines().map(l -> l.startsWith("        ") ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n", "```java\n", "\n```"));
        assertTrue(readme.contains(expected), "README.md's library example differs from LibraryExampleTest's code;"
                + " copy this block into the README:\n" + expected);
    }
}
