package dev.lottery.experiment.control;

import dev.lottery.nn.UserError;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Parameter;

/**
 * A control beyond the paper, Zhou et al.'s "signed constant" (2019, Deconstructing Lottery Tickets): the ticket's
 * mask, every surviving weight set to {@code ±σ} with the sign of the value the ticket starts from (θ0, or the rewind
 * point with late resetting), so only the mask and the signs of the initialization are kept. Biases and other
 * parameters that are not pruned start as the ticket's do.
 *
 * <p>{@code σ} is the standard deviation of the distribution the layer's initializer draws from, so the layer keeps
 * the second moment of its initialization: {@code trunc_normal(s)} draws N(0, s²) truncated at 2s, whose standard
 * deviation is {@code 0.8796 s} ({@link Initializer#TRUNCATED_STD_FACTOR}; lenet's {@code trunc_normal(0.1)} gives
 * {@code σ = 0.08796}); {@code normal(s)}: {@code s}; the Xavier initializers (normal, truncated normal or uniform):
 * {@code sqrt(2 / (fanIn + fanOut))}. A sign is the float's sign bit (θ0 = -0.0 gives {@code -σ}).
 */
public record SignedConstant() implements TicketMaskControl {
    @Override
    public String name() {
        return "signs";
    }

    @Override
    public String description() {
        return "the ticket's mask, survivors set to ±σ of their initializer with θ0's signs (Zhou et al. 2019, signed constant)";
    }

    @Override
    public void prepare(UnitStart start) {
        start.loadMasks(start.unit().ticket());
        start.resetSurvivors();
        for (Parameter p : start.network().prunable()) {
            float sigma = (float) standardDeviation(p);
            float[] w = p.value().toArray();
            float[] mask = p.mask().toArray();
            for (int i = 0; i < w.length; i++) w[i] = mask[i] == 0 ? 0f : Math.copySign(sigma, w[i]);
            p.value().copyFrom(w);
        }
    }

    /** The standard deviation of the distribution {@code p}'s initializer draws its values from. */
    static double standardDeviation(Parameter p) {
        double xavier = Math.sqrt(2.0 / (p.fanIn() + p.fanOut()));
        return switch (p.init()) {
            case Initializer.TruncatedNormal t -> t.std() * Initializer.TRUNCATED_STD_FACTOR;
            case Initializer.Normal n -> n.std();
            case Initializer.XavierNormal _, Initializer.XavierUniform _ -> xavier;
            case Initializer.Zeros _, Initializer.Ones _ ->
                    throw new UserError(p.name() + " starts constant (" + p.init().canonical() + "): it has no σ for the signs control");
        };
    }
}
