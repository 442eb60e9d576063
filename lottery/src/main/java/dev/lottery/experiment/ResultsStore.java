package dev.lottery.experiment;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lottery.nn.UserError;
import dev.lottery.nn.internal.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's results directory: {@code manifest.json} (settings, canonical string, hash, provenance), θ0 (and
 * the rewind point) once per trial, and one directory per {@link Unit}. Every file is written atomically (temporary
 * file in the same directory, then a rename); a unit is complete only when its {@value #DONE} marker exists, and the
 * marker is written last.
 */
public final class ResultsStore {
    /** The experiment's manifest (settings, provenance) in its results directory. */
    public static final String MANIFEST = "manifest.json";
    /** A unit's marker, written last: the unit is complete. */
    public static final String DONE = "DONE";
    /** A unit's metrics (evaluation series, convergence points, survivors). */
    public static final String METRICS = "metrics.json";
    /** The provenance entry naming the kernels ({@code Backend#kernelGeneration}) that compute the units. */
    public static final String KERNELS = "kernels";
    /** Wall time and backend: kept apart from metrics.json so results are byte-identical between runs. */
    public static final String TIMING = "timing.json";
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private final Path dir;
    private final ExperimentSpec spec;

    private ResultsStore(Path dir, ExperimentSpec spec) {
        this.dir = dir;
        this.spec = spec;
    }

    /**
     * Whether {@code dir} is an experiment directory (holds a manifest).
     *
     * @param dir any path; it need not exist
     * @return true when {@code dir/}{@value #MANIFEST} is a regular file (its content is not read)
     */
    public static boolean isExperimentDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST));
    }

    /**
     * The directory of {@code spec} under {@code root}: {@code root/<name>-<hash12>}, or {@code root} itself when it
     * already is an experiment directory (to resume it by its path).
     *
     * @param root a results root, or an experiment directory
     * @param spec the experiment
     * @return the directory; nothing is created or read beyond looking for a manifest in {@code root}
     */
    public static Path directoryFor(Path root, ExperimentSpec spec) {
        return isExperimentDirectory(root) ? root : root.resolve(spec.directoryName());
    }

    /**
     * Opens (creating when new) the directory for {@code spec} (see {@link #directoryFor}). An existing manifest must
     * hold the same settings, otherwise resuming is refused with a one-line error naming each difference.
     *
     * @param root a results root (created when missing), or an experiment directory to resume
     * @param spec the experiment
     * @return the store; a new directory holds only its manifest, with empty provenance
     */
    public static ResultsStore open(Path root, ExperimentSpec spec) {
        Path dir = directoryFor(root, spec);
        if (isExperimentDirectory(dir)) {
            List<String> diffs = spec.differencesFrom(recordedSettings(readManifest(dir), dir));
            if (!diffs.isEmpty()) throw new UserError("cannot resume " + dir + " with different settings: " + String.join("; ", diffs));
            return new ResultsStore(dir, spec);
        }
        JsonObject m = new JsonObject();
        m.addProperty("format", 1);
        m.addProperty("name", spec.name());
        m.addProperty("hash", spec.hash());
        m.addProperty("canonical", spec.canonical());
        JsonObject settings = new JsonObject();
        spec.fields().forEach(settings::addProperty);
        m.add("settings", settings);
        m.add("provenance", new JsonObject());
        writeJson(dir.resolve(MANIFEST), m);
        return new ResultsStore(dir, spec);
    }

    /**
     * Opens an existing experiment directory (status, reports, cluster jobs): its spec is read back from the manifest.
     *
     * @param dir an experiment directory; one without a readable manifest is a one-line {@link UserError}
     * @return the store, with the spec of the manifest's canonical string
     */
    public static ResultsStore existing(Path dir) {
        if (!isExperimentDirectory(dir)) throw new UserError(dir + " is not an experiment directory (no " + MANIFEST + ")");
        JsonObject m = readManifest(dir);
        try {
            return new ResultsStore(dir, ExperimentSpec.parse(m.get("canonical").getAsString()));
        } catch (UserError e) {
            throw new UserError(dir.resolve(MANIFEST) + ": cannot read its settings: " + e.getMessage());
        }
    }

    private static JsonObject readManifest(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        try {
            JsonObject m = JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
            if (!m.has("canonical") || !m.has("settings")) throw new IllegalStateException("no canonical string or settings");
            return m;
        } catch (IOException e) {
            throw new UserError("cannot read " + manifest + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserError(manifest + " is not a valid manifest: " + e.getMessage());
        }
    }

    private static Map<String, String> recordedSettings(JsonObject manifest, Path dir) {
        return strings(manifest.getAsJsonObject("settings"), dir);
    }

    private static Map<String, String> strings(JsonObject o, Path dir) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) return out;
        try {
            for (Map.Entry<String, JsonElement> e : o.entrySet()) out.put(e.getKey(), e.getValue().getAsString());
        } catch (RuntimeException e) {
            throw new UserError(dir.resolve(MANIFEST) + " is not a valid manifest: " + e.getMessage());
        }
        return out;
    }

    /**
     * Checks {@code current} provenance (see {@link Provenance}) against what the manifest recorded: an entry recorded
     * with another value refuses the resume with a one-line error naming each difference (the results were computed
     * from something else; to compute them afresh, run into another results root); entries not recorded yet are added.
     *
     * @param current provenance entries of this run, by key (see {@link Provenance}); recorded entries it leaves out
     *                are kept as they are
     */
    public synchronized void recordProvenance(Map<String, String> current) {
        JsonObject m = readManifest(dir);
        Map<String, String> recorded = strings(m.getAsJsonObject("provenance"), dir);
        List<String> diffs = new ArrayList<>();
        recorded.forEach((key, then) -> {
            String now = current.get(key);
            if (now != null && !now.equals(then)) diffs.add(key + ": " + then + " in the results vs " + now + " now");
        });
        if (!diffs.isEmpty()) {
            throw new UserError("cannot resume " + dir + ": its results came from something else: " + String.join("; ", diffs)
                    + " (to compute them afresh, use another --results root)");
        }
        if (recorded.keySet().containsAll(current.keySet())) return;
        JsonObject provenance = new JsonObject();
        recorded.forEach(provenance::addProperty);
        current.forEach((key, now) -> {
            if (!recorded.containsKey(key)) provenance.addProperty(key, now);
        });
        m.add("provenance", provenance);
        writeJson(dir.resolve(MANIFEST), m);
    }

    /**
     * Records in the manifest's provenance which kernels compute the units ({@code generation}, from the backend;
     * called before a population of units starts), or checks it against the record: units computed by other kernels
     * round differently, so resuming with them is refused with a one-line error rather than mixing the two in one
     * figure. A manifest without a record whose units are all pending takes this one; one with complete or started
     * units came from a version that did not record its kernels.
     *
     * @param generation the backend's {@code kernelGeneration()}: which kernels, and so which rounding, compute the
     *                   units
     */
    public synchronized void requireKernels(String generation) {
        if (generation.equals(provenance().get(KERNELS))) return; // every population after the first
        // Units first, then the manifest: a concurrent job records its kernels before it starts a unit.
        boolean started = plan().stream().anyMatch(u -> state(u) != UnitState.PENDING);
        String recorded = provenance().get(KERNELS);
        if (generation.equals(recorded)) return;
        String how = "resume it with the kernels that started it (same version, --device, -Dlottery.cpu.sparse and -XX:UseAVX) or start afresh in another results root";
        if (recorded != null) {
            throw new UserError(dir + " was computed by the " + recorded + " kernels, this run would compute with " + generation
                    + ", which rounds differently: " + how);
        }
        if (started) {
            throw new UserError(dir + " holds units of a version that did not record its kernels, this run would compute with "
                    + generation + ", which may round differently: " + how);
        }
        recordProvenance(Map.of(KERNELS, generation));
    }

    /**
     * The provenance entries the manifest holds.
     *
     * @return a new map, read from the manifest now, by key in the manifest's order; empty when none is recorded
     */
    public Map<String, String> provenance() {
        return strings(readManifest(dir).getAsJsonObject("provenance"), dir);
    }

    /**
     * The experiment's results directory.
     *
     * @return the directory that holds {@value #MANIFEST}; relative when the results root given was
     */
    public Path dir() {
        return dir;
    }

    /**
     * The experiment whose results these are.
     *
     * @return the spec the manifest records
     */
    public ExperimentSpec spec() {
        return spec;
    }

    /**
     * The spec's units, in dependency order.
     *
     * @return every unit, complete or not, each after its dependencies; a new list on every call
     */
    public List<Unit> plan() {
        return Unit.plan(spec);
    }

    /**
     * The directory of one unit.
     *
     * @param u a unit of this experiment
     * @return {@code <dir>/<u.path()>}; it exists once the unit has started
     */
    public Path unitDir(Unit u) {
        return dir.resolve(u.path());
    }

    /**
     * Where one trial's initial weights (θ0) are kept.
     *
     * @param trial the trial's number, from 0
     * @return {@code <dir>/trial-<trial>/theta0}, written by the trial's dense unit
     */
    public Path theta0Dir(int trial) {
        return dir.resolve("trial-" + trial).resolve("theta0");
    }

    /**
     * Where one trial's rewind-point weights are kept (late resetting).
     *
     * @param trial the trial's number, from 0
     * @return {@code <dir>/trial-<trial>/rewind}, written by the trial's dense unit only when resetting late
     */
    public Path rewindDir(int trial) {
        return dir.resolve("trial-" + trial).resolve("rewind");
    }

    /**
     * Whether a unit is complete (its {@value #DONE} marker exists).
     *
     * @param u a unit of this experiment
     * @return true once every result of the unit is on disk
     */
    public boolean isDone(Unit u) {
        return Files.isRegularFile(unitDir(u).resolve(DONE));
    }

    /**
     * Complete, started (directory exists, no marker) or pending.
     *
     * @param u a unit of this experiment
     * @return the unit's state, from the files as they are now
     */
    public UnitState state(Unit u) {
        if (isDone(u)) return UnitState.DONE;
        return Files.isDirectory(unitDir(u)) ? UnitState.PARTIAL : UnitState.PENDING;
    }

    /** How far a unit has got, as its files show. */
    public enum UnitState {
        /** Its marker exists: every result is on disk. */
        DONE,
        /** Its directory exists without a marker: started, and running or interrupted. */
        PARTIAL,
        /** No directory: not started. */
        PENDING
    }

    /** Writes the unit's marker: called after everything else of the unit is on disk. */
    void markDone(Unit u) {
        writeText(unitDir(u).resolve(DONE), "done\n");
    }

    static void writeJson(Path file, JsonElement json) {
        writeText(file, GSON.toJson(json) + "\n");
    }

    /**
     * Temporary file in the target's directory, then an atomic rename over the target.
     *
     * @param file the target; its parent directories are created when missing
     * @param text written as UTF-8
     */
    public static void writeText(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }

    /**
     * Renames {@code tmp} over {@code target} in one step where the file system allows it.
     *
     * @param tmp    a complete file, best in {@code target}'s directory so the rename cannot cross file systems
     * @param target the file to replace or create
     * @throws IOException when the file cannot be moved
     */
    public static void moveAtomically(Path tmp, Path target) throws IOException {
        AtomicFiles.moveIntoPlace(tmp, target);
    }
}
