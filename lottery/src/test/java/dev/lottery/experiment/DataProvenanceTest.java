package dev.lottery.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.IdxFileSet;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.train.Normalization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data in the hash (custom data by name, fingerprint and normalization) and provenance in the manifest. */
class DataProvenanceTest {
    private static final DataSplit DATA = SyntheticData.split(60, 20, 8, 3);

    private static DataSplit withTestLabel(DataSplit split, int example, int label) {
        Dataset t = split.test();
        byte[] labels = t.labels().clone();
        labels[example] = (byte) label;
        return new DataSplit(split.train(), split.validation(), new Dataset(t.name(), t.images(), labels, t.count(), t.channels(), t.height(), t.width(), t.classes()));
    }

    @Test
    void theFingerprintFollowsTheContentNotTheNames() {
        String f = DataFingerprint.of(DATA);
        assertTrue(f.matches("sha256:[0-9a-f]{64}"), f);
        assertEquals(f, DataFingerprint.of(SyntheticData.split(60, 20, 8, 3)), "same content, same fingerprint");
        int other = (DATA.test().label(0) + 1) % 3;
        assertNotEquals(f, DataFingerprint.of(withTestLabel(DATA, 0, other)), "one label");
        Dataset train = DATA.train();
        float[] images = train.images().clone();
        images[17] = Math.nextUp(images[17]);
        DataSplit pixel = new DataSplit(new Dataset(train.name(), images, train.labels(), train.count(), 1, 1, 8, 3), null, DATA.test());
        assertNotEquals(f, DataFingerprint.of(pixel), "one pixel, by one ulp");
        DataSplit renamed = new DataSplit(train.named("elsewhere"), null, DATA.test().named("other"));
        assertEquals(f, DataFingerprint.of(renamed), "names are not content");
        DataSplit heldOut = new DataSplit(train.subset(0, 50), train.subset(50, 60), DATA.test());
        assertNotEquals(f, DataFingerprint.of(heldOut), "which examples are held out is content");
    }

    @Test
    void customDataEntersTheCanonicalStringByNameFingerprintAndNormalization() {
        ExperimentSpec base = ExperimentTest.spec();
        ExperimentSpec custom = Experiment.of(base).withData("blobs", DATA, Normalization.NONE).spec();
        assertTrue(custom.canonical().contains("dataset=custom(name=blobs,fingerprint=" + DataFingerprint.of(DATA) + ")\n"), custom.canonical());
        assertTrue(custom.canonical().contains("normalization=normalize(0.0,1.0)\n"), custom.canonical());
        assertEquals(custom, ExperimentSpec.parse(custom.canonical()));
        assertNotEquals(custom.hash(), Experiment.of(base).withData("blobs", withTestLabel(DATA, 3, 0), Normalization.NONE).spec().hash());
        assertNotEquals(custom.hash(), Experiment.of(base).withData("blobs", DATA, new Normalization(0.5, 0.25)).spec().hash());
        assertNotEquals(custom.hash(), Experiment.of(base).withData("other", DATA, Normalization.NONE).spec().hash());
        ExperimentSpec supplied = Experiment.of(base).withData("blobs", DATA, Normalization.NONE, "v2.1").spec();
        assertTrue(supplied.canonical().contains("dataset=custom(name=blobs,fingerprint=v2.1)\n"), supplied.canonical());
        assertThrows(UserError.class, () -> Experiment.of(base).withData("two words", DATA, Normalization.NONE));
        UserError e = assertThrows(UserError.class, () -> custom.dataset().load(null, 0, 0));
        assertTrue(e.getMessage().contains("Experiment.withData"), e.getMessage());
    }

    @Test
    void builtInSetsRecordTheirPinsOrTheirContentAndCustomDataNothing() {
        Map<String, String> mnist = Provenance.of(ExperimentPresets.get("lenet-quick"), DATA);
        assertEquals(List.of("data.file.train-images-idx3-ubyte", "data.file.train-labels-idx1-ubyte", "data.file.t10k-images-idx3-ubyte",
                "data.file.t10k-labels-idx1-ubyte"), List.copyOf(mnist.keySet()));
        assertEquals("sha256:" + IdxFileSet.MNIST.testLabels().sha256(), mnist.get("data.file.t10k-labels-idx1-ubyte"));
        assertNotEquals(mnist, Provenance.of(ExperimentPresets.get("conv2-fashion-quick"), DATA));
        assertEquals(Map.of(Provenance.DATA_CONTENT, DataFingerprint.of(DATA)), Provenance.of(ExperimentPresets.get("conv2-q1"), DATA));
        assertEquals(Map.of(), Provenance.of(Experiment.of(ExperimentTest.spec()).withData(DATA).spec(), DATA));
    }

    @Test
    void provenanceIsRecordedOnceAndADifferentOneRefusesTheResume(@TempDir Path root) {
        ResultsStore store = ResultsStore.open(root, ExperimentTest.spec());
        assertEquals(Map.of(), store.provenance());
        store.recordProvenance(Map.of("data.content", "sha256:aa"));
        store.recordProvenance(Map.of("data.content", "sha256:aa", "kernels", "generation 2"));
        ResultsStore again = ResultsStore.open(root, ExperimentTest.spec());
        assertEquals(Map.of("data.content", "sha256:aa", "kernels", "generation 2"), again.provenance());
        UserError e = assertThrows(UserError.class, () -> again.recordProvenance(Map.of("data.content", "sha256:bb", "kernels", "generation 3")));
        assertTrue(e.getMessage().contains("data.content: sha256:aa in the results vs sha256:bb now; kernels: generation 2 in the results vs generation 3 now"),
                e.getMessage());
        assertTrue(e.getMessage().contains("another --results root"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(ExperimentTest.spec().hash(), ResultsStore.existing(store.dir()).spec().hash(), "provenance is not a setting");
    }
}
