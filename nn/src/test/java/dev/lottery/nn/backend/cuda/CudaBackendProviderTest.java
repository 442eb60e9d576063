package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.gpu.CudaContext;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.BackendProvider;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.DeviceChoice;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Selection: the provider is found by ServiceLoader and, without a usable GPU, says why in one line. */
class CudaBackendProviderTest {
    @Test
    void serviceLoaderFindsTheCudaProvider() {
        List<BackendProvider> cuda = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("cuda")).toList();
        assertEquals(1, cuda.size());
        assertTrue(cuda.getFirst() instanceof CudaBackendProvider);
    }

    @Test
    void withoutAGpuAutoFallsBackToTheCpuWithTheReasonAndCudaIsAOneLineError() {
        Assumptions.assumeFalse(CudaContext.isAvailable().usable(), "a GPU is usable here; this test covers machines without one");
        String reason = new CudaBackendProvider().unavailableReason().orElseThrow();
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), "one line: " + reason);
        try (var s = Backends.select(DeviceChoice.AUTO).backend()) {
            assertEquals("cpu", s.name());
        }
        UserError e = assertThrows(UserError.class, () -> Backends.select(DeviceChoice.CUDA));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void reasonsAreCutToOneLine() {
        assertEquals("no driver", CudaBackendProvider.oneLine("no driver\n  at somewhere"));
        assertEquals("unknown reason", CudaBackendProvider.oneLine(null));
    }
}
