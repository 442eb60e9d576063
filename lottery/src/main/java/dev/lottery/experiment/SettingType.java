package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How one kind of setting value is written and read back: {@code format} gives the text of the canonical string (and
 * of the manifest), {@code parse} reads it (and any friendlier form a command-line option accepts) and throws a
 * {@link UserError} whose message starts with the quoted text, e.g. {@code 'x' is not an integer}. {@code normalize}
 * puts a value in its one canonical form (lists sorted and without repeats), so equal settings hash equally.
 *
 * @param <T>       the type of the values
 * @param form      the shape of the text, for help ({@code N}, {@code init|K}, ...)
 * @param parse     text to value; bad text is a {@link UserError} that quotes it
 * @param format    value to its canonical text
 * @param normalize value to its canonical form; {@code format} then {@code parse} of a normalized value gives it back
 */
public record SettingType<T>(String form, Function<String, T> parse, Function<T, String> format, UnaryOperator<T> normalize) {
    /**
     * A type whose values have one form each (no normalization).
     *
     * @param form   the shape of the text, for help
     * @param parse  text to value; bad text is a {@link UserError} that quotes it
     * @param format value to its canonical text
     */
    public SettingType(String form, Function<String, T> parse, Function<T, String> format) {
        this(form, parse, format, UnaryOperator.identity());
    }

    /** Integers, written in decimal. */
    public static final SettingType<Integer> INTEGER = integer(Integer::parseInt, i -> Integer.toString(i));
    /** Long integers, written in decimal. */
    public static final SettingType<Long> LONG = integer(Long::parseLong, l -> Long.toString(l));

    /** Text, stripped of surrounding blanks. */
    public static final SettingType<String> TEXT = new SettingType<>("TEXT", String::strip, s -> s);

    private static <T> SettingType<T> integer(Function<String, T> parse, Function<T, String> format) {
        return new SettingType<>("N", text -> {
            try {
                return parse.apply(text.strip());
            } catch (NumberFormatException e) {
                throw new UserError("'" + text + "' is not an integer");
            }
        }, format);
    }

    /**
     * Comma-separated elements, kept in {@code order} without repeats (so {@code reinit,ticket} and
     * {@code ticket,reinit} are one setting).
     *
     * @param <E>    the type of the elements
     * @param form   the shape of the text, for help
     * @param parse  text of one element (stripped) to the element
     * @param format an element to its text, which must not contain a comma
     * @param order  the canonical order of the elements
     * @return the list type; its values are unmodifiable lists
     */
    public static <E> SettingType<List<E>> listOf(String form, Function<String, E> parse, Function<E, String> format, Comparator<E> order) {
        return new SettingType<>(form,
                text -> Stream.of(text.split(",", -1)).map(String::strip).map(parse).toList(),
                list -> list.stream().map(format).collect(Collectors.joining(",")),
                list -> list.stream().distinct().sorted(order).toList());
    }
}
