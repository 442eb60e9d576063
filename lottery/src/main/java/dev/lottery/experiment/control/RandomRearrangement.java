package dev.lottery.experiment.control;

import dev.lottery.prune.Rearrangement;

/**
 * The paper's second control (Section 2.2, random rearrangement): each layer's ticket mask permuted by a uniformly
 * random permutation keyed by (trial seed, parameter, {@code rearrange/<mode>/level-k}), so the layer keeps its
 * number of connections at random places, each taking the θ0 value (or the rewind point's) of its new place.
 */
public record RandomRearrangement() implements TicketMaskControl {
    @Override
    public String name() {
        return "rearrange";
    }

    @Override
    public String description() {
        return "the ticket's per-layer counts at random places, with θ0 there (the paper's random rearrangement)";
    }

    @Override
    public void prepare(UnitStart start) {
        start.loadMasks(start.unit().ticket());
        Rearrangement.apply(start.network(), start.trialSeed(), start.purpose());
        start.resetSurvivors();
    }
}
