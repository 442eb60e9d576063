package dev.lottery.nn.backend.cpu;

/** What tests outside this package may ask of a CPU backend's worker crew: its size and how much it really ran. */
public final class CrewProbe {
    private CrewProbe() {}

    /** Threads per parallel operation of {@code backend}, the caller included. */
    public static int threads(CpuBackend backend) {
        return backend.workers().threads();
    }

    /** Tasks that {@code backend}'s worker threads, rather than its callers, have run. */
    public static long crewTasks(CpuBackend backend) {
        return backend.workers().crewTasks();
    }
}
