package dev.lottery.experiment.control;

/**
 * The paper's first control (Section 2.2, random reinitialization): the ticket's mask, every weight drawn afresh from
 * the model's initializer on the stream (trial seed, parameter, {@code reinit/<mode>/level-k}).
 */
public record RandomReinit() implements TicketMaskControl {
    @Override
    public String name() {
        return "reinit";
    }

    @Override
    public String description() {
        return "the ticket's mask, weights drawn afresh from the initializer (the paper's random reinitialization)";
    }

    @Override
    public void prepare(UnitStart start) {
        start.loadMasks(start.unit().ticket());
        start.network().initialize(start.trialSeed(), start.purpose());
    }
}
