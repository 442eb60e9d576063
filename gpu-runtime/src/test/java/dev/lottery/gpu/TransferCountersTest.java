package dev.lottery.gpu;

import org.junit.jupiter.api.Test;

import static dev.lottery.gpu.TransferDirection.*;
import static dev.lottery.gpu.TransferPurpose.*;
import static org.junit.jupiter.api.Assertions.*;

class TransferCountersTest {
    @Test
    void countsByDirectionAndPurposeAndDiffsSnapshots() {
        TransferCounters c = new TransferCounters();
        c.record(HOST_TO_DEVICE, WEIGHTS, 1000);
        c.record(HOST_TO_DEVICE, DATA, 4096);
        var before = c.snapshot();
        for (int i = 0; i < 10; i++) c.record(DEVICE_TO_HOST, SCALARS, 8);
        var during = c.snapshot().minus(before);
        assertEquals(80, during.bytes(DEVICE_TO_HOST, SCALARS));
        assertEquals(10, during.copies(DEVICE_TO_HOST, SCALARS));
        assertEquals(0, during.bytes(HOST_TO_DEVICE, WEIGHTS), "weights did not cross while training");
        assertEquals(0, during.bytes(DEVICE_TO_HOST, WEIGHTS));
        assertEquals(1000, c.bytes(HOST_TO_DEVICE, WEIGHTS));
        assertEquals("DEVICE_TO_HOST/SCALARS=80B", during.toString());
        assertThrows(IllegalArgumentException.class, () -> c.record(HOST_TO_DEVICE, DATA, -1));
    }
}
