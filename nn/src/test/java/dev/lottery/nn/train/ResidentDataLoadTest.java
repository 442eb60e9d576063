package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.PreparedSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real MNIST made resident from its prepared sets (memory-mapped) holds bit for bit the tensors of the raw files
 * uploaded the long way, with and without a validation holdout; the prepared sets are made once.
 */
class ResidentDataLoadTest {
    @Test
    void preparedSetsGiveTheSameTensorsAsTheRawSplit(@TempDir Path cache) throws IOException {
        DataSets.load(DatasetName.MNIST, null, 0, 0, l -> { }); // the raw files, fetched into the default cache if needed
        Path raw = DataSets.datasetDir(DatasetName.MNIST, null), mine = Files.createDirectories(DataSets.datasetDir(DatasetName.MNIST, cache));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.copy(raw.resolve(f), mine.resolve(f));
        }
        List<String> log = new ArrayList<>();
        Normalization standard = Normalization.standard(DatasetName.MNIST);
        try (CpuBackend backend = new CpuBackend()) {
            for (int validation : new int[] {0, 5_000}) {
                try (ResidentData mapped = ResidentData.load(backend, DatasetName.MNIST, cache, validation, 7, log::add);
                     ResidentData uploaded = ResidentData.upload(backend, DataSets.load(DatasetName.MNIST, cache, validation, 7, l -> { }), standard)) {
                    assertSame(uploaded.train(), mapped.train());
                    assertSame(uploaded.test(), mapped.test());
                    if (validation == 0) assertNull(mapped.validation());
                    else assertSame(uploaded.validation(), mapped.validation());
                }
            }
        }
        assertEquals(1, log.stream().filter(l -> l.startsWith("preparing mnist")).count(), log.toString());
        assertTrue(Files.isRegularFile(PreparedSet.file(mine, "train")) && Files.isRegularFile(PreparedSet.file(mine, "test")));
    }

    private static void assertSame(ResidentData.Part expected, ResidentData.Part actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.count(), actual.count());
        assertEquals(expected.features(), actual.features());
        assertArrayEquals(expected.images().shape(), actual.images().shape());
        assertArrayEquals(expected.images().toArray(), actual.images().toArray(), expected.name());
        assertArrayEquals(expected.labels().toArray(), actual.labels().toArray(), expected.name());
    }
}
