package dev.lottery.xor;

import dev.lottery.nn.UserError;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** One of a closed set of XOR options, named on the command line and in tables by its constant's name in lower case. */
public interface XorChoice {
    /**
     * The constant's name; its lower case names the choice.
     *
     * @return the enum constant's name, e.g. {@code TOLERANCE}
     */
    String name();

    /**
     * The choice's name on the command line and in tables.
     *
     * @return the constant's name in lower case, e.g. {@code tolerance}
     */
    default String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant of {@code type} labelled {@code s} in any case, or a user error that lists the labels.
     *
     * @param <E>  the enum of choices
     * @param type the enum's class
     * @param s    a label, in any case
     * @param what names the option in the error, e.g. {@code "zero-loss criterion"}
     * @return the constant whose {@link #label()} is {@code s}, ignoring case
     */
    static <E extends Enum<E> & XorChoice> E parse(Class<E> type, String s, String what) {
        for (E e : type.getEnumConstants()) if (e.label().equalsIgnoreCase(s)) return e;
        throw new UserError("unknown " + what + " '" + s + "'; choose one of "
                + Arrays.stream(type.getEnumConstants()).map(XorChoice::label).collect(Collectors.joining(", ")));
    }
}
