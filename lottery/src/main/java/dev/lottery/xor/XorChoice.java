package dev.lottery.xor;

import dev.lottery.nn.UserError;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** One of a closed set of XOR options, named on the command line and in tables by its constant's name in lower case. */
public interface XorChoice {
    /** The constant's name; its lower case names the choice. */
    String name();

    default String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} labelled {@code s} in any case, or a user error that lists the labels. */
    static <E extends Enum<E> & XorChoice> E parse(Class<E> type, String s, String what) {
        for (E e : type.getEnumConstants()) if (e.label().equalsIgnoreCase(s)) return e;
        throw new UserError("unknown " + what + " '" + s + "'; choose one of "
                + Arrays.stream(type.getEnumConstants()).map(XorChoice::label).collect(Collectors.joining(", ")));
    }
}
