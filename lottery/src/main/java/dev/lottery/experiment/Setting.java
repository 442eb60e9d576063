package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One experiment setting, declared once (see {@link ExperimentSettings}): its key (in the canonical string, the
 * manifest and the diff shown when a resume is refused), how its value is written and read ({@link SettingType}),
 * its default, which values are valid, the command-line option that sets it, and its help.
 *
 * <p>A setting without a default is required and always written to the canonical string. A setting with a default is
 * left out of the canonical string (and so of the hash) while it holds that default: adding one keeps every existing
 * results directory where it is.
 *
 * @param <T>          the type of the setting's values
 * @param key          the name in the canonical string and the manifest: lower-case letters, digits, '_' and '.',
 *                     starting with a letter
 * @param type         how values are written, read and normalized
 * @param defaultValue null for a required setting
 * @param valid        which values are allowed; {@code requirement} says it in words ({@code "positive"})
 * @param requirement  completes "must be ..." in the error for a value that is not valid; null when every value is
 * @param option       the command-line option ({@code --trials}), or null when the command line does not set it
 * @param help         one sentence for the command line's help
 */
public record Setting<T>(String key, SettingType<T> type, T defaultValue, Predicate<? super T> valid, String requirement,
                         String option, String help) {
    /** Checks that key, type and help are given and the key is lower-case. */
    public Setting {
        Objects.requireNonNull(key);
        Objects.requireNonNull(type);
        Objects.requireNonNull(help);
        if (!key.matches("[a-z][a-z0-9_.]*")) throw new IllegalArgumentException("bad setting key '" + key + "'");
    }

    /**
     * A required setting that accepts every value of its type and has no option.
     *
     * @param <T>  the type of the setting's values
     * @param key  the name in the canonical string and the manifest (lower-case, starting with a letter)
     * @param type how values are written, read and normalized
     * @param help one sentence for the command line's help
     * @return the setting; {@link #withDefault}, {@link #validWhen} and {@link #withOption} refine it
     */
    public static <T> Setting<T> required(String key, SettingType<T> type, String help) {
        return new Setting<>(key, type, null, v -> true, null, null, help);
    }

    /**
     * The same setting, optional, with a default.
     *
     * @param value the default, normalized here; it should be what every existing experiment implicitly had, since
     *              specs that hold it keep their hash
     * @return a new setting; this one is unchanged
     */
    public Setting<T> withDefault(T value) {
        return new Setting<>(key, type, type.normalize().apply(value), valid, requirement, option, help);
    }

    /**
     * Only values for which {@code test} holds are valid; {@code requirement} completes "must be ...".
     *
     * @param test        applied to normalized values; replaces any earlier test
     * @param requirement the valid values in words, e.g. {@code "positive"}
     * @return a new setting; this one is unchanged
     */
    public Setting<T> validWhen(Predicate<? super T> test, String requirement) {
        return new Setting<>(key, type, defaultValue, test, requirement, option, help);
    }

    /**
     * The same setting, set on the command line with an option.
     *
     * @param name the option with its dashes, e.g. {@code --trials}
     * @return a new setting; this one is unchanged
     */
    public Setting<T> withOption(String name) {
        return new Setting<>(key, type, defaultValue, valid, requirement, name, help);
    }

    /**
     * Whether the setting has no default.
     *
     * @return true when every spec must give a value, which is then always written to the canonical string
     */
    public boolean isRequired() {
        return defaultValue == null;
    }

    /**
     * Whether {@code value} is the default, and so left out of the canonical string.
     *
     * @param value a value in canonical form
     * @return false for a required setting
     */
    public boolean isDefault(T value) {
        return defaultValue != null && defaultValue.equals(value);
    }

    /**
     * The value in canonical form; a {@link UserError} naming {@code subject} and the value when it is not valid.
     *
     * @param value   the value; null is a {@link NullPointerException} naming {@code subject}
     * @param subject what the error names, e.g. the key or the option
     * @return the normalized value
     */
    public T check(T value, String subject) {
        Objects.requireNonNull(value, () -> subject + " has no value");
        T v = type.normalize().apply(value);
        if (!valid.test(v)) throw new UserError(subject + " must be " + requirement + ", got '" + type.format().apply(v) + "'");
        return v;
    }

    /**
     * Reads {@code text} (canonical, or a form the option accepts) and checks it; errors name {@code subject}.
     *
     * @param text    the value's text
     * @param subject what a one-line {@link UserError} names, e.g. the key or the option
     * @return the value, normalized and valid
     */
    public T read(String text, String subject) {
        T value;
        try {
            value = type.parse().apply(text);
        } catch (UserError e) {
            throw new UserError(subject + ": " + e.getMessage());
        }
        return check(value, subject);
    }

    /**
     * The value's text in the canonical string and the manifest.
     *
     * @param value a value in canonical form
     * @return the text {@link #read} reads back to an equal value
     */
    public String write(T value) {
        return type.format().apply(value);
    }

    /** {@link #write} for a value known only as an object of this setting's type. */
    @SuppressWarnings("unchecked")
    String writeObject(Object value) {
        return write((T) value);
    }
}
