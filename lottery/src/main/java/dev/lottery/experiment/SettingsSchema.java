package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ordered list of settings, and everything that follows from it for a set of values: the canonical string (one
 * {@code key=value} line per setting, in this order, settings at their default left out), reading that string back,
 * the manifest's settings (every setting, defaults included) and the differences between two sets of values.
 *
 * @param settings every setting, in the order of the canonical string; keys distinct; copied
 */
public record SettingsSchema(List<Setting<?>> settings) {
    /** Checks that no key is declared twice. */
    public SettingsSchema {
        settings = List.copyOf(settings);
        Set<String> keys = new HashSet<>();
        for (Setting<?> s : settings) if (!keys.add(s.key())) throw new IllegalArgumentException("setting '" + s.key() + "' declared twice");
    }

    /**
     * The setting called {@code key}.
     *
     * @param key a setting's key, e.g. {@code trials}
     * @return the setting, or null when this schema has none of that key
     */
    public Setting<?> setting(String key) {
        for (Setting<?> s : settings) if (s.key().equals(key)) return s;
        return null;
    }

    /**
     * Every setting's value in canonical form, in schema order, defaults filled in; a value that is not valid is a
     * {@link UserError} naming its setting.
     *
     * @param given values for some settings of this schema; a setting of another schema is an
     *              {@link IllegalArgumentException}
     * @return a new map holding every setting of this schema, in schema order
     * @throws IllegalStateException when a required setting has no value (a program error, not a user's)
     */
    public Map<Setting<?>, Object> complete(Map<Setting<?>, Object> given) {
        Map<Setting<?>, Object> out = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            Object v = given.get(s);
            if (v == null && s.isRequired()) throw new IllegalStateException("the required setting '" + s.key() + "' has no value");
            out.put(s, checked(s, v == null ? s.defaultValue() : v));
        }
        for (Setting<?> s : given.keySet()) {
            if (!settings.contains(s)) throw new IllegalArgumentException("'" + s.key() + "' is not a setting of this schema");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T checked(Setting<T> s, Object value) {
        return s.check((T) value, s.key());
    }

    /**
     * One {@code key=value} line per setting that is not at its default, in schema order.
     *
     * @param values every setting's value in canonical form, as {@link #complete} gives them
     * @return the lines, each ending with a newline; empty when every setting is at its default
     */
    public String canonical(Map<Setting<?>, Object> values) {
        StringBuilder b = new StringBuilder();
        for (Setting<?> s : settings) {
            if (!isDefault(s, values.get(s))) b.append(s.key()).append('=').append(s.writeObject(values.get(s))).append('\n');
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean isDefault(Setting<T> s, Object value) {
        return s.isDefault((T) value);
    }

    /**
     * Every setting's text, defaults included, in schema order: the manifest's {@code settings}.
     *
     * @param values every setting's value in canonical form, as {@link #complete} gives them
     * @return a new map from key to text, in schema order
     */
    public Map<String, String> texts(Map<Setting<?>, Object> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting<?> s : settings) out.put(s.key(), s.writeObject(values.get(s)));
        return out;
    }

    /**
     * Reads a {@link #canonical} string back into the values it was written from. Exact: the string must be what
     * {@link #canonical} writes for those values (no reordered lines, no defaults written out, no stray spaces);
     * anything else is a one-line {@link UserError}.
     *
     * @param canonical {@code key=value} lines, each ending with a newline
     * @return every setting's value, defaults filled in, in schema order (as {@link #complete} gives them)
     */
    public Map<Setting<?>, Object> parse(String canonical) {
        Map<Setting<?>, Object> given = new LinkedHashMap<>();
        if (!canonical.isEmpty() && !canonical.endsWith("\n")) throw new UserError("a canonical string ends with a newline");
        for (String line : canonical.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq < 0) throw new UserError("'" + line + "' is not a key=value line");
            String key = line.substring(0, eq);
            Setting<?> s = setting(key);
            if (s == null) throw new UserError("unknown setting '" + key + "'");
            if (given.containsKey(s)) throw new UserError("setting '" + key + "' given twice");
            given.put(s, s.read(line.substring(eq + 1), key));
        }
        for (Setting<?> s : settings) {
            if (s.isRequired() && !given.containsKey(s)) throw new UserError("no '" + s.key() + "' setting");
        }
        Map<Setting<?>, Object> values = complete(given);
        if (!canonical(values).equals(canonical)) {
            throw new UserError("not in canonical form (settings out of order, a default written out, or a value written differently)");
        }
        return values;
    }

    /**
     * One entry {@code key: <recorded> in the results vs <requested> requested} per setting whose text differs, and
     * one per recorded key this schema does not know. A setting missing from {@code recorded} (written before it
     * existed) had its default.
     *
     * @param recorded  a manifest's settings: key to text
     * @param requested every setting's value in canonical form, as {@link #complete} gives them
     * @return one line per difference, in schema order then the unknown keys; empty when the two agree
     */
    public List<String> diff(Map<String, String> recorded, Map<Setting<?>, Object> requested) {
        List<String> diffs = new ArrayList<>();
        for (Setting<?> s : settings) {
            String want = s.writeObject(requested.get(s));
            String have = recorded.containsKey(s.key()) ? recorded.get(s.key())
                    : s.isRequired() ? "(missing)" : s.writeObject(s.defaultValue());
            if (!want.equals(have)) diffs.add(s.key() + ": " + have + " in the results vs " + want + " requested");
        }
        for (String key : recorded.keySet()) if (setting(key) == null) diffs.add(key + ": not a setting of this version");
        return diffs;
    }
}
