package dev.lottery.experiment.control;

import dev.lottery.experiment.Unit;
import java.util.List;

/** A control that starts from the ticket's mask at its own trial, mode and level, so it depends on that ticket. */
public interface TicketMaskControl extends Control {
    @Override
    default List<Unit> dependencies(Unit.Pruned unit) {
        return List.of(unit.ticket());
    }
}
