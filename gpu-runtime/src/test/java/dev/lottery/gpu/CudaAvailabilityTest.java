package dev.lottery.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CudaAvailabilityTest {
    @Test
    void probeNeverThrowsAndExplainsItself() {
        CudaAvailability a = assertDoesNotThrow(CudaContext::isAvailable);
        assertNotNull(a.reason());
        assertFalse(a.reason().isBlank());
        assertFalse(a.reason().contains("\n"), "one line: " + a.reason());
        if (a.usable()) {
            assertTrue(a.deviceCount() > 0);
            assertTrue(a.driverVersion() >= 12000, "driver version " + a.driverVersion());
        } else {
            assertEquals(0, a.deviceCount());
            assertThrows(IllegalStateException.class, () -> CudaContext.open(0));
        }
        assertSame(a, CudaContext.isAvailable(), "probed once");
    }
}
