package dev.lottery.experiment;

import dev.lottery.nn.io.AtomicFiles;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
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
 * An experiment's results directory: {@code manifest.json} (settings, canonical string, hash), θ0 (and the rewind
 * point) once per trial, and one directory per {@link Unit}. Every file is written atomically (temporary file in
 * the same directory, then a rename); a unit is complete only when its {@value #DONE} marker exists, and the
 * marker is written last.
 */
public final class ResultsStore {
    public static final String MANIFEST = "manifest.json";
    public static final String DONE = "DONE";
    public static final String METRICS = "metrics.json";
    /** The manifest's entry naming the kernels ({@code Backend#kernelGeneration}) that compute the units. */
    public static final String KERNELS = "kernels";
    /** Wall time and backend: kept apart from metrics.json so results are byte-identical between runs. */
    public static final String TIMING = "timing.json";
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private final Path dir;
    private final Map<String, String> settings;

    private ResultsStore(Path dir, Map<String, String> settings) {
        this.dir = dir;
        this.settings = settings;
    }

    /**
     * Opens (creating when new) the directory for {@code spec}: {@code root/<name>-<hash12>}, or {@code root} itself
     * when it already is an experiment directory (holds a manifest). An existing manifest must hold the same
     * settings, otherwise resuming is refused with a one-line error naming the differences.
     */
    public static ResultsStore open(Path root, ExperimentSpec spec) {
        Path dir = Files.isRegularFile(root.resolve(MANIFEST)) ? root : root.resolve(spec.directoryName());
        Map<String, String> wanted = spec.fields();
        Path manifest = dir.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            Map<String, String> found = readSettings(dir);
            List<String> diffs = new ArrayList<>();
            for (String key : wanted.keySet()) {
                String have = found.get(key);
                if (!wanted.get(key).equals(have)) diffs.add(key + ": " + (have == null ? "(missing)" : have) + " in the results vs " + wanted.get(key) + " requested");
            }
            for (String key : found.keySet()) if (!wanted.containsKey(key)) diffs.add(key + ": not a setting of this version");
            if (!diffs.isEmpty()) {
                throw new UserError("cannot resume " + dir + " with different settings: " + String.join("; ", diffs));
            }
            return new ResultsStore(dir, found);
        }
        JsonObject m = new JsonObject();
        m.addProperty("format", 1);
        m.addProperty("name", spec.name());
        m.addProperty("hash", spec.hash());
        m.addProperty("canonical", spec.canonical());
        JsonObject s = new JsonObject();
        wanted.forEach(s::addProperty);
        m.add("settings", s);
        writeJson(manifest, m);
        return new ResultsStore(dir, wanted);
    }

    /**
     * Records in the manifest which kernels compute the units ({@code generation}, from the backend), or checks it
     * against the record: units computed by other kernels round differently, so resuming with them is refused with a
     * one-line error rather than mixing the two in one figure. A manifest without a record whose units are all pending
     * takes this one; one with complete or started units came from a version that did not record its kernels.
     */
    public void requireKernels(String generation) {
        // Units first, then the manifest: a concurrent job records its kernels before it starts a unit.
        boolean started = plan().stream().anyMatch(u -> state(u) != UnitState.PENDING);
        Path manifest = dir.resolve(MANIFEST);
        JsonObject m = readManifest(manifest);
        JsonElement recorded = m.get(KERNELS);
        if (recorded != null && recorded.getAsString().equals(generation)) return;
        String how = "resume it with the kernels that started it (same version, --device and -Dlottery.cpu.sparse) or start afresh in another results directory";
        if (recorded != null) {
            throw new UserError(dir + " was computed by the " + recorded.getAsString() + " kernels, this run would compute with "
                    + generation + ", which rounds differently: " + how);
        }
        if (started) {
            throw new UserError(dir + " holds units of a version that did not record its kernels, this run would compute with "
                    + generation + ", which may round differently: " + how);
        }
        m.addProperty(KERNELS, generation);
        writeJson(manifest, m);
    }

    /** Opens an existing experiment directory (for status and reports); a missing manifest is a one-line error. */
    public static ResultsStore existing(Path dir) {
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) throw new UserError(dir + " is not an experiment directory (no " + MANIFEST + ")");
        return new ResultsStore(dir, readSettings(dir));
    }

    private static Map<String, String> readSettings(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        JsonObject m = readManifest(manifest);
        try {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : m.getAsJsonObject("settings").entrySet()) out.put(e.getKey(), e.getValue().getAsString());
            return out;
        } catch (RuntimeException e) {
            throw new UserError(manifest + " is not a valid manifest: " + e.getMessage());
        }
    }

    private static JsonObject readManifest(Path manifest) {
        try {
            return JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UserError("cannot read " + manifest + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserError(manifest + " is not a valid manifest: " + e.getMessage());
        }
    }

    public Path dir() {
        return dir;
    }

    /** The settings recorded in the manifest (the fields of {@link ExperimentSpec#fields()}). */
    public Map<String, String> settings() {
        return settings;
    }

    /** The units the manifest's settings call for, in dependency order. */
    public List<Unit> plan() {
        List<PruningMode> modes = List.of(settings.get("modes").split(",")).stream().map(PruningMode::parse).toList();
        List<Arm> arms = List.of(settings.get("arms").split(",")).stream().map(Arm::parse).toList();
        return Unit.plan(modes, arms, Integer.parseInt(settings.get("levels")), Integer.parseInt(settings.get("trials")));
    }

    public Path unitDir(Unit u) {
        return dir.resolve(u.path());
    }

    public Path theta0Dir(int trial) {
        return dir.resolve("trial-" + trial).resolve("theta0");
    }

    public Path rewindDir(int trial) {
        return dir.resolve("trial-" + trial).resolve("rewind");
    }

    public boolean isDone(Unit u) {
        return Files.isRegularFile(unitDir(u).resolve(DONE));
    }

    /** Complete, started (directory exists, no marker) or pending. */
    public UnitState state(Unit u) {
        if (isDone(u)) return UnitState.DONE;
        return Files.isDirectory(unitDir(u)) ? UnitState.PARTIAL : UnitState.PENDING;
    }

    public enum UnitState { DONE, PARTIAL, PENDING }

    /** Writes the unit's marker: called after everything else of the unit is on disk. */
    void markDone(Unit u) {
        writeText(unitDir(u).resolve(DONE), "done\n");
    }

    static void writeJson(Path file, JsonElement json) {
        writeText(file, GSON.toJson(json) + "\n");
    }

    /** Temporary file in the target's directory, then an atomic rename over the target. */
    public static void writeText(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }

    /** Renames {@code tmp} over {@code target} in one step where the file system allows it. */
    public static void moveAtomically(Path tmp, Path target) throws IOException {
        AtomicFiles.moveIntoPlace(tmp, target);
    }
}
