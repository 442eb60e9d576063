package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetNameTest {
    @Test
    void parsesUserNames() {
        assertEquals(DatasetName.MNIST, DatasetName.parse("mnist"));
        assertEquals(DatasetName.FASHION_MNIST, DatasetName.parse("fashion-mnist"));
        assertEquals(DatasetName.FASHION_MNIST, DatasetName.parse(" Fashion_MNIST "));
        assertEquals(DatasetName.CIFAR10, DatasetName.parse("CIFAR10"));
        for (DatasetName n : DatasetName.values()) assertEquals(n, DatasetName.parse(n.cliName()));
    }

    @Test
    void unknownNameListsKnownOnes() {
        UserError e = assertThrows(UserError.class, () -> DatasetName.parse("imagenet"));
        assertEquals("unknown data set 'imagenet': known data sets are mnist, fashion-mnist, cifar10", e.getMessage());
    }

    @Test
    void defaultCacheDirPrecedence() {
        assertEquals(Path.of("/data/x"), DataSets.defaultCacheDir(
                Map.of("LOTTERY_DATA", "/data/x", "XDG_CACHE_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/xdg/lottery/data"), DataSets.defaultCacheDir(Map.of("XDG_CACHE_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/lottery/data"), DataSets.defaultCacheDir(Map.of("LOTTERY_DATA", " "),
                "/home/u"));
    }
}
