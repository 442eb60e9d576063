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
        assertThrows(NullPointerException.class, () -> new BackendOptions(null, 0, 1));
        assertEquals(new BackendOptions(DeviceChoice.CUDA, 2, 3), BackendOptions.of(DeviceChoice.CUDA).withCudaDevice(2).withCpuThreads(3));
    }

    @Test
    void threadCountsOutsideTheRangeAreRefused() {
        BackendOptions cpu = BackendOptions.of(DeviceChoice.CPU);
        assertThrows(IllegalArgumentException.class, () -> cpu.withCpuThreads(0));
        assertThrows(IllegalArgumentException.class, () -> cpu.withCpuThreads(BackendOptions.MAX_CPU_THREADS + 1));
        assertEquals(BackendOptions.MAX_CPU_THREADS, cpu.withCpuThreads(BackendOptions.MAX_CPU_THREADS).cpuThreads());
    }
}
