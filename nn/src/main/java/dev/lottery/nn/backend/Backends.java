package dev.lottery.nn.backend;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.cpu.CpuBackend;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Chooses the backend at start-up and says why: CUDA when a provider for it is installed and reports a usable
 * GPU, otherwise the always-available CPU backend. Nothing is printed or logged here: the caller shows
 * {@link Selection#describe()} once, where its user looks (the command line prints it on standard error).
 */
public final class Backends {
    private Backends() {}

    /**
     * The opened backend and the one-line reason it was chosen.
     *
     * @param backend the open backend, owned by the caller of {@link #select(BackendOptions)}, who closes it
     * @param reason  why this backend runs, e.g. {@code cpu requested} or why CUDA was not usable
     */
    public record Selection(Backend backend, String reason) {
        /**
         * {@return one line for the user: which backend runs and why, e.g. {@code backend: CPU (...): cpu requested}}
         */
        public String describe() {
            return "backend: " + backend.description() + ": " + reason;
        }
    }

    /**
     * {@link #select(BackendOptions)} with every backend's defaults.
     *
     * @param choice the device the user asked for
     * @return the opened backend, which the caller closes, and why it was chosen
     * @throws UserError if {@code CUDA} was asked for and cannot run here
     */
    public static Selection select(DeviceChoice choice) {
        return select(BackendOptions.of(choice));
    }

    /**
     * Opens the backend {@code options} choose: the CPU backend for {@code CPU}; for {@code CUDA} the CUDA backend or
     * a {@link UserError} saying why it cannot run; for {@code AUTO} the CUDA backend when usable, otherwise the CPU
     * backend with the reason. The caller owns and closes the backend.
     *
     * @param options the device choice and each backend's settings (CPU threads, vector width, ...)
     * @return the opened backend, which the caller closes, and why it was chosen
     * @throws UserError if {@code CUDA} was asked for and cannot run here
     */
    public static Selection select(BackendOptions options) {
        DeviceChoice choice = options.device();
        if (choice == DeviceChoice.CPU) {
            return new Selection(new CpuBackend(options), "cpu requested");
        }
        Optional<BackendProvider> cuda = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("cuda"))
                .findFirst();
        String why = cuda.isEmpty()
                ? "no CUDA backend is built into this version"
                : cuda.get().unavailableReason().orElse(null);
        if (why == null) {
            return new Selection(cuda.get().open(options), "CUDA GPU found");
        }
        if (choice == DeviceChoice.CUDA) {
            throw new UserError("--device cuda: CUDA is not usable here: " + why);
        }
        return new Selection(new CpuBackend(options), "CUDA not usable (" + why + "), falling back to the CPU");
    }
}
