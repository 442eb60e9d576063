package dev.lottery.experiment.control;

import dev.lottery.experiment.Unit;
import java.util.List;

/**
 * What a pruned unit starts from: its masks and initial values, and which units' results it reads to set them. The
 * winning ticket and the paper's two controls are implementations ({@link Ticket}, {@link RandomReinit},
 * {@link RandomRearrangement}), as is a control beyond the paper ({@link SignedConstant}); {@link Controls} lists
 * them by name for the {@code arms} setting, the command line, the results directories and the reports. Controls that
 * start from the ticket's mask are {@link TicketMaskControl}s.
 *
 * <p>A control is a pure function of the unit and the results store: creating the network, training it and writing
 * its results are the runner's, so a runner may prepare several units' networks side by side. Every random draw
 * is keyed by {@link UnitStart#purpose()}, never by call order.
 */
public interface Control {
    /**
     * The control's name: in the {@code arms} setting, the unit's directory, reports and {@code --arms}.
     *
     * @return lower-case letters, digits and '-', starting with a letter; never changes, since results directories
     *         hold it
     */
    String name();

    /**
     * One line for {@code --help}, {@code experiment list} and the docs.
     *
     * @return one sentence without a trailing newline
     */
    String description();

    /**
     * The units whose results a unit of this control reads, at most one level below it; they are complete before
     * it starts. A control may depend on the units of controls listed before it in {@link Controls}.
     *
     * @param unit a pruned unit whose control is this one
     * @return units of the same trial, e.g. {@code unit.ticket()}, the dense unit or the previous level's ticket
     */
    List<Unit> dependencies(Unit.Pruned unit);

    /**
     * Sets the masks and the initial values of {@code start.network()} (a network just created from the model) from
     * the results of {@link #dependencies}. Pruned weights must be 0 afterwards.
     *
     * @param start the unit, its network and where its dependencies' results are; called on the runner's thread
     */
    void prepare(UnitStart start);
}
