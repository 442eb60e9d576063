package dev.lottery.experiment.slurm;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lottery.nn.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each unit's job asks Slurm for. Every field is optional (null: the cluster's default). A profile file
 * holds the same keys, either as {@code key=value} lines ({@code #} comments) or as one JSON object:
 * <pre>
 * partition=gpu
 * account=lab
 * gres=gpu:1
 * cpus=4
 * memory=16G
 * time=02:00:00
 * qos=normal
 * sbatch=--constraint=a100 --exclusive
 * </pre>
 * Flags given on the command line override the profile ({@link #over(SlurmResources) flags.over(profile)}).
 *
 * @param partition {@code --partition}
 * @param account   {@code --account}, the account charged
 * @param gres      {@code --gres}, generic resources such as {@code gpu:1}
 * @param cpus      {@code --cpus-per-task}, positive
 * @param memory    {@code --mem}: a number with an optional K, M, G or T suffix (megabytes without one)
 * @param time      {@code --time}, a Slurm time limit such as {@code 90}, {@code 02:00:00} or {@code 1-00:00:00}
 * @param qos       {@code --qos}, the quality of service
 * @param extra     further sbatch options, passed as they are (never null: null becomes empty)
 */
public record SlurmResources(String partition, String account, String gres, Integer cpus, String memory, String time,
                             String qos, List<String> extra) {
    /** Nothing asked for: the cluster's defaults. */
    public static final SlurmResources NONE = new SlurmResources(null, null, null, null, null, null, null, List.of());

    private static final List<String> KEYS = List.of("partition", "account", "gres", "cpus", "memory", "time", "qos", "sbatch");

    /** Checks cpus, memory and time limit, and copies the extra options. */
    public SlurmResources {
        extra = extra == null ? List.of() : List.copyOf(extra);
        if (cpus != null && cpus <= 0) throw new UserError("cpus per job must be positive, got " + cpus);
        if (memory != null && !memory.matches("\\d+[KMGT]?")) throw new UserError("memory '" + memory + "' is not like 4096, 16G or 500M");
        if (time != null && !time.matches("[0-9:-]+")) throw new UserError("time limit '" + time + "' is not a Slurm time like 90, 02:00:00 or 1-00:00:00");
    }

    /**
     * These settings laid over {@code base}: a null field here takes base's value; extra options are appended.
     *
     * @param base the settings that yield, e.g. a profile's
     * @return the combined settings; base's extra options come first, so this one's win where sbatch takes the last
     */
    public SlurmResources over(SlurmResources base) {
        List<String> allExtra = new ArrayList<>(base.extra);
        allExtra.addAll(extra);
        return new SlurmResources(pick(partition, base.partition), pick(account, base.account), pick(gres, base.gres),
                pick(cpus, base.cpus), pick(memory, base.memory), pick(time, base.time), pick(qos, base.qos), allExtra);
    }

    private static <T> T pick(T mine, T theirs) {
        return mine != null ? mine : theirs;
    }

    /**
     * The sbatch options for these resources.
     *
     * @return a new list, one {@code --key=value} per non-null field, then the extra options; empty for {@link #NONE}
     */
    public List<String> sbatchOptions() {
        List<String> o = new ArrayList<>();
        if (partition != null) o.add("--partition=" + partition);
        if (account != null) o.add("--account=" + account);
        if (gres != null) o.add("--gres=" + gres);
        if (cpus != null) o.add("--cpus-per-task=" + cpus);
        if (memory != null) o.add("--mem=" + memory);
        if (time != null) o.add("--time=" + time);
        if (qos != null) o.add("--qos=" + qos);
        o.addAll(extra);
        return o;
    }

    /**
     * Reads a profile: JSON when the file starts with '{', else key=value lines. Unknown keys are an error.
     *
     * @param file the profile; one that cannot be read or parsed is a one-line {@link UserError}
     * @return the resources it asks for; keys it leaves out are null (the cluster's default)
     */
    public static SlurmResources readProfile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read Slurm profile " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (text.stripLeading().startsWith("{")) {
            JsonObject json;
            try {
                json = JsonParser.parseString(text).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new UserError("Slurm profile " + file + " is not valid JSON: " + e.getMessage());
            }
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                JsonElement v = e.getValue();
                values.put(e.getKey(), v.isJsonArray()
                        ? String.join(" ", v.getAsJsonArray().asList().stream().map(JsonElement::getAsString).toList())
                        : v.getAsString());
            }
        } else {
            int n = 0;
            for (String line : text.lines().toList()) {
                n++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                int eq = l.indexOf('=');
                if (eq <= 0) throw new UserError("Slurm profile " + file + " line " + n + " is not key=value: " + l);
                values.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) throw new UserError("Slurm profile " + file + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
        }
        Integer cpus;
        try {
            cpus = values.containsKey("cpus") ? Integer.valueOf(values.get("cpus")) : null;
        } catch (NumberFormatException e) {
            throw new UserError("Slurm profile " + file + ": cpus '" + values.get("cpus") + "' is not a number");
        }
        String sbatch = values.get("sbatch");
        return new SlurmResources(values.get("partition"), values.get("account"), values.get("gres"), cpus,
                values.get("memory"), values.get("time"), values.get("qos"),
                sbatch == null || sbatch.isBlank() ? List.of() : List.of(sbatch.strip().split("\\s+")));
    }
}
