package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.CudaAvailability;
import dev.lottery.gpu.CudaContext;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendProvider;
import java.util.Optional;

/**
 * The {@code cuda} backend for {@link java.util.ServiceLoader} (registered in
 * {@code META-INF/services/dev.lottery.nn.backend.BackendProvider}). {@link #unavailableReason()} never throws: a
 * missing driver library, a driver without devices or any other probe failure is one line, which
 * {@code --device auto} shows in its backend line and {@code --device cuda} reports as the error. A driver library
 * that is nowhere on the machine is found out from the file system ({@link DriverLibraryCheck}) before the runtime's
 * probe loads any native code.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            // Without a driver library on the machine the full probe can only fail; skip its native work.
            Optional<String> missing = DriverLibraryCheck.surelyMissing();
            if (missing.isPresent()) return missing;
            CudaAvailability a = CudaContext.isAvailable();
            return a.usable() ? Optional.empty() : Optional.of(oneLine(a.reason()));
        } catch (Throwable t) { // e.g. native access denied, a linkage error: still one line, never a crash
            return Optional.of(oneLine(t.getClass().getSimpleName() + ": " + t.getMessage()));
        }
    }

    static String oneLine(String s) {
        String line = s == null || s.isBlank() ? "unknown reason" : s.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }

    @Override
    public Backend open() {
        return CudaBackend.open(0);
    }
}
