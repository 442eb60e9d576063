package dev.lottery.experiment.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSettings;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.Unit;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of controls, what each depends on, and the σ of the signs control. */
class ControlsTest {
    @Test
    void theRegistryListsTheTicketFirstAndNamesEveryControl() {
        assertEquals(List.of("ticket", "reinit", "rearrange", "signs"), Controls.all().stream().map(Control::name).toList());
        for (Control c : Controls.all()) assertEquals(c, Controls.get(c.name()));
        UserError e = assertThrows(UserError.class, () -> Controls.get("magic"));
        assertEquals("'magic' is not a known arm (known: ticket, reinit, rearrange, signs)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Controls.register(new RandomReinit()), "names are unique");
        Control unregistered = new TicketMaskControl() {
            @Override
            public String name() {
                return "ghost";
            }

            @Override
            public String description() {
                return "not in the registry";
            }

            @Override
            public void prepare(UnitStart start) {}
        };
        ExperimentSpec quick = ExperimentPresets.get("lenet-quick");
        UserError arms = assertThrows(UserError.class, () -> quick.with(ExperimentSettings.ARMS, List.of(Controls.TICKET, unregistered)));
        assertTrue(arms.getMessage().contains("registered"), "a spec names only controls that a manifest can be read back with: " + arms.getMessage());
    }

    @Test
    void theTicketBuildsOnTheLevelBelowAndTheControlsOnTheTicket() {
        Unit.Pruned iterative3 = new Unit.Pruned(1, PruningMode.ITERATIVE, Controls.TICKET, 3);
        assertEquals(List.of(new Unit.Pruned(1, PruningMode.ITERATIVE, Controls.TICKET, 2)), iterative3.dependencies());
        assertEquals(List.of(new Unit.Dense(1)), new Unit.Pruned(1, PruningMode.ITERATIVE, Controls.TICKET, 1).dependencies());
        assertEquals(List.of(new Unit.Dense(1)), new Unit.Pruned(1, PruningMode.ONESHOT, Controls.TICKET, 3).dependencies());
        for (Control c : List.of(Controls.REINIT, Controls.REARRANGE, Controls.SIGNS)) {
            Unit.Pruned u = new Unit.Pruned(1, PruningMode.ONESHOT, c, 3);
            assertEquals(List.of(new Unit.Pruned(1, PruningMode.ONESHOT, Controls.TICKET, 3)), u.dependencies(), c.name());
            assertEquals("trial-1/oneshot/" + c.name() + "/level-03", u.path());
        }
    }

    /** σ is the standard deviation of the distribution each initializer draws from (measured here on a large draw). */
    @Test
    void theSignsControlsSigmaIsTheInitializersStandardDeviation() {
        assertEquals(0.1 * 0.8796256610342398, SignedConstant.standardDeviation(parameter(new Initializer.TruncatedNormal(0.1), 300, 100)), 1e-12);
        assertEquals(0.05, SignedConstant.standardDeviation(parameter(new Initializer.Normal(0.05), 300, 100)), 0);
        for (Initializer xavier : List.of(new Initializer.XavierNormal(true), new Initializer.XavierNormal(false), new Initializer.XavierUniform())) {
            assertEquals(Math.sqrt(2.0 / 400), SignedConstant.standardDeviation(parameter(xavier, 300, 100)), 1e-15, xavier.canonical());
        }
        assertThrows(UserError.class, () -> SignedConstant.standardDeviation(parameter(new Initializer.Zeros(), 300, 100)));
        // the first layer of lenet-300-100 as drawn: its sample standard deviation is σ's
        try (CpuBackend backend = new CpuBackend(); Network net = Network.create(Presets.get("lenet-300-100").model(), backend, 5)) {
            Parameter fc1 = net.prunable().getFirst();
            float[] w = fc1.value().toArray();
            double sum = 0, squares = 0;
            for (float v : w) {
                sum += v;
                squares += (double) v * v;
            }
            double mean = sum / w.length;
            double std = Math.sqrt(squares / w.length - mean * mean);
            assertEquals(SignedConstant.standardDeviation(fc1), std, 0.002 * std, "235,200 draws");
        }
        assertTrue(Controls.SIGNS.description().contains("σ"));
    }

    private static Parameter parameter(Initializer init, int fanIn, int fanOut) {
        return new Parameter("w", "layer", null, true, null, null, null, fanIn, fanOut, init);
    }
}
