package dev.lottery.cli;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.DeviceChoice;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --threads} option of the commands that open a backend: the CPU backend's thread count. */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N",
            description = "Threads per CPU operation, 1 to " + BackendOptions.MAX_CPU_THREADS + "; results are the same bits whatever N "
                    + "(default: -Dlottery.gemm.threads, or one per core).")
    Integer threads;

    /**
     * The backend to open: {@code device} (as the {@code --device} option spells it), with these threads; a count out
     * of range is a one-line {@link UserError}.
     */
    BackendOptions backendOptions(String device) {
        if (threads != null && (threads < 1 || threads > BackendOptions.MAX_CPU_THREADS)) {
            throw new UserError("--threads must be 1 to " + BackendOptions.MAX_CPU_THREADS + ", got " + threads);
        }
        BackendOptions options = BackendOptions.of(DeviceChoice.parse(device));
        return threads == null ? options : options.withCpuThreads(threads);
    }

    /** The option as a node's command line repeats it: nothing when it was not given. */
    List<String> asArguments() {
        return threads == null ? List.of() : List.of("--threads", threads.toString());
    }
}
