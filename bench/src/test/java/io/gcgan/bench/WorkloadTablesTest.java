package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.gan.model.Dcgan64;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizer benchmarks' parameter tables ({@link Dcgan64Parameters}) are the reference models' own parameters:
 * the same names (with a {@code netG.} / {@code netD.} prefix), shapes and order as the models' named parameters,
 * so a model that changes cannot leave a benchmark timing a parameter set nobody trains.
 */
class WorkloadTablesTest {

    private static final ModuleOptions OPTIONS = ModuleOptions.of(new Generator(1));

    @Test
    void dcgan64IsTheDcgan64ModelsParameters() {
        assertEquals(describe(Dcgan64.generator(OPTIONS), Dcgan64.discriminator(true, OPTIONS)),
                describe(Dcgan64Parameters.ALL));
        assertEquals(6_342_272, Dcgan64Parameters.numel(Dcgan64Parameters.workload("dcgan64")));
    }

    @Test
    void mnist28IsTheMnist28ModelsParameters() {
        assertEquals(describe(Mnist28.generator(OPTIONS), Mnist28.discriminator(OPTIONS)),
                describe(Dcgan64Parameters.MNIST28));
        assertEquals(916_866, Dcgan64Parameters.numel(Dcgan64Parameters.workload("mnist28")));
    }

    /** "netG.name [shape]" for each named parameter of g, then "netD.name [shape]" for d's. */
    private static List<String> describe(Module g, Module d) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : g.namedParameters().entrySet()) {
            out.add("netG." + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
        }
        for (Map.Entry<String, Tensor> e : d.namedParameters().entrySet()) {
            out.add("netD." + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
        }
        return out;
    }

    private static List<String> describe(List<Dcgan64Parameters.ParamShape> table) {
        return table.stream().map(t -> t.name() + " " + Arrays.toString(t.shape())).toList();
    }
}
