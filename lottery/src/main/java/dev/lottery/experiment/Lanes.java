package dev.lottery.experiment;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.train.ResidentData;
import java.util.ArrayList;
import java.util.List;

/**
 * The backends an experiment's units train on in this process: the selected backend alone, or on the CPU one backend
 * per lane, each with its share of the threads ({@link Concurrency}), so that {@link LocalEngine} trains populations
 * side by side, and the selected backend (every thread) for a population that would train alone. One rule for
 * {@code experiment run} and for a cluster job's {@code run-unit}.
 */
public final class Lanes implements AutoCloseable {
    private final List<Backend> backends;
    /** The backend on every thread, the selected one: with several lanes, used only while they all wait. */
    private final Backend whole;
    private final boolean owned;
    private final String description;

    private Lanes(List<Backend> backends, Backend whole, boolean owned, String description) {
        this.backends = backends;
        this.whole = whole;
        this.owned = owned;
        this.description = description;
    }

    /**
     * The lanes for {@code selection}: several CPU backends when it chose the CPU and {@code concurrency} asks for more
     * than one lane (the selected backend stays, for populations that would train alone), else the selected backend
     * alone.
     *
     * @param selection   the backend selected for the run, with the reason
     * @param options     the options it was selected with (their thread count is shared out between the lanes)
     * @param concurrency how many lanes to open on the CPU
     * @param owned       whether the selected backend is this run's to close (false: the caller's, one lane)
     * @return the lanes; closing them closes the backends they own
     */
    public static Lanes open(Backends.Selection selection, BackendOptions options, Concurrency concurrency, boolean owned) {
        int count = owned && selection.backend() instanceof CpuBackend ? concurrency.lanes(options.cpuThreads()) : 1;
        if (count == 1) return new Lanes(List.of(selection.backend()), selection.backend(), owned, selection.describe());
        List<Backend> backends = new ArrayList<>();
        BackendOptions each = options.withCpuThreads(Math.max(1, options.cpuThreads() / count));
        for (int i = 0; i < count; i++) backends.add(new CpuBackend(each));
        return new Lanes(backends, selection.backend(), true, new Backends.Selection(backends.getFirst(), selection.reason()).describe()
                + "; " + count + " populations at a time");
    }

    /**
     * One line for the user.
     *
     * @return the backend, why it was chosen and, with several lanes, how many
     */
    public String describe() {
        return description;
    }

    /**
     * The first lane's backend.
     *
     * @return where the data is made resident
     */
    public Backend first() {
        return backends.getFirst();
    }

    /**
     * One runner per lane over {@code data} (made resident on {@link #first()} and shared with the other backends), and
     * the runner on every thread.
     *
     * @param spec            the experiment
     * @param store           its results directory
     * @param data            the data, resident on the first lane's backend
     * @param checkpointEvery each runner's training checkpoint interval; 0 for none
     * @return the runners
     */
    public UnitRunners runners(ExperimentSpec spec, ResultsStore store, ResidentData data, long checkpointEvery) {
        if (backends.size() == 1) return UnitRunners.of(new UnitRunner(spec, store, first(), data).checkpointingEvery(checkpointEvery));
        List<UnitRunner> lanes = new ArrayList<>();
        for (Backend lane : backends) {
            if (lane != first()) data.shareWith(lane);
            lanes.add(new UnitRunner(spec, store, lane, data).checkpointingEvery(checkpointEvery));
        }
        data.shareWith(whole);
        return new UnitRunners(lanes, new UnitRunner(spec, store, whole, data).checkpointingEvery(checkpointEvery));
    }

    @Override
    public void close() {
        if (!owned) return;
        backends.forEach(Backend::close);
        if (!backends.contains(whole)) whole.close();
    }
}
