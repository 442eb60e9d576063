package dev.lottery.bench.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.bench.conv.ConvLayerTimes.Layer;
import dev.lottery.nn.backend.ConvGeometry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer lists the per-layer comparison times: every convolution of a preset's step, at its real geometry. */
class ConvLayerTimesTest {
    @Test
    void resnet20HasNineteenThreeByThreeConvolutionsAndTwoProjections() {
        List<Layer> layers = ConvLayerTimes.layers("resnet20");
        assertEquals(21, layers.stream().mapToInt(l -> l.names().size()).sum());
        assertEquals(19, layers.stream().filter(l -> l.geometry().kernel() == 3).mapToInt(l -> l.names().size()).sum());
        assertEquals(new ConvGeometry(128, 3, 32, 32, 16, 3, 1, 1), layers.getFirst().geometry());
        assertTrue(layers.getFirst().input(), "the stem's input needs no data gradient");
        assertTrue(layers.stream().skip(1).noneMatch(Layer::input));
        // The first block of stages 2 and 3: a stride-2 3x3 convolution and a stride-2 1x1 projection of the same input.
        assertTrue(layers.contains(new Layer("resnet20", new ConvGeometry(128, 16, 32, 32, 32, 3, 2, 1), List.of("stage2.block1.conv1"), false)));
        assertTrue(layers.contains(new Layer("resnet20", new ConvGeometry(128, 32, 16, 16, 64, 1, 2, 0), List.of("stage3.block1.shortcut"), false)));
        Layer last = layers.stream().filter(l -> l.geometry().equals(new ConvGeometry(128, 64, 8, 8, 64, 3, 1, 1))).findFirst().orElseThrow();
        assertEquals(5, last.names().size());
    }

    @Test
    void conv4FollowsItsValidConvolutionsAndPooling() {
        List<ConvGeometry> geometries = ConvLayerTimes.layers("conv4").stream().map(Layer::geometry).toList();
        assertEquals(List.of(new ConvGeometry(50, 3, 32, 32, 64, 3, 1, 0), new ConvGeometry(50, 64, 30, 30, 64, 3, 1, 0),
                new ConvGeometry(50, 64, 14, 14, 128, 3, 1, 0), new ConvGeometry(50, 128, 12, 12, 128, 3, 1, 0)), geometries);
        assertFalse(ConvLayerTimes.layers("conv4").get(1).input());
    }
}
