package dev.lottery.nn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackendOptionsTest {
    @Test
    void cpuIsOpenedAsAsked() {
        try (Backend b = Backends.select(BackendOptions.of(DeviceChoice.CPU).withCudaDevice(3)).backend()) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void optionsAreCheckedWhenMade() {
        assertThrows(IllegalArgumentException.class, () -> BackendOptions.of(DeviceChoice.AUTO).withCudaDevice(-1));
        assertThrows(NullPointerException.class, () -> new BackendOptions(null, 0));
        assertEquals(new BackendOptions(DeviceChoice.CUDA, 2), BackendOptions.of(DeviceChoice.CUDA).withCudaDevice(2));
    }
}
