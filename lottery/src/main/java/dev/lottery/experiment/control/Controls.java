package dev.lottery.experiment.control;

import dev.lottery.nn.UserError;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The registry of {@link Control}s by name. Its order is the canonical order of the {@code arms} setting (so the same
 * set of arms always hashes the same), the order units are planned in, and the order of report columns.
 */
public final class Controls {
    /** The winning ticket: the survivors reset to their initial values. */
    public static final Control TICKET = new Ticket();
    /** The random-reinitialization control: the mask kept, the survivors drawn afresh. */
    public static final Control REINIT = new RandomReinit();
    /** The random-rearrangement control: each layer's mask permuted at random. */
    public static final Control REARRANGE = new RandomRearrangement();
    /** Only the signs of the initial weights kept, every magnitude one constant. */
    public static final Control SIGNS = new SignedConstant();

    private static final List<Control> REGISTERED = new CopyOnWriteArrayList<>(List.of(TICKET, REINIT, REARRANGE, SIGNS));

    private Controls() {}

    /**
     * Every control, in registration order (the ticket first).
     *
     * @return a snapshot: unmodifiable, and not changed by later registrations
     */
    public static List<Control> all() {
        return List.copyOf(REGISTERED);
    }

    /**
     * The control called {@code name}; a one-line {@link UserError} listing the known ones otherwise.
     *
     * @param name a registered control's name, e.g. {@code reinit}; case-sensitive
     * @return the control
     */
    public static Control get(String name) {
        for (Control c : REGISTERED) if (c.name().equals(name)) return c;
        throw new UserError("'" + name + "' is not a known arm (known: " + names() + ")");
    }

    /**
     * The known names, comma separated.
     *
     * @return e.g. {@code ticket, reinit, rearrange, signs}, in registration order
     */
    public static String names() {
        return REGISTERED.stream().map(Control::name).collect(Collectors.joining(", "));
    }

    /**
     * Adds a control after the registered ones. Results directories name it, so a JVM that reads them (reports,
     * cluster jobs) must register it too.
     *
     * @param control a control whose name is lower-case letters, digits and '-' and not taken; any thread may call
     *                this
     */
    public static synchronized void register(Control control) {
        if (!control.name().matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("control name '" + control.name() + "' is not lower-case letters, digits and '-'");
        if (REGISTERED.stream().anyMatch(c -> c.name().equals(control.name()))) {
            throw new IllegalArgumentException("a control called '" + control.name() + "' is already registered");
        }
        REGISTERED.add(control);
    }

    /** Registration order. */
    public static final Comparator<Control> ORDER = Comparator.comparingInt(REGISTERED::indexOf);
}
