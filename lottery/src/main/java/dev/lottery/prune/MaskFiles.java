package dev.lottery.prune;

import dev.lottery.nn.UserError;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.io.NpyArray;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import java.nio.file.Path;
import java.util.Arrays;

/** A network's masks as boolean .npy files ({@code <parameter>.mask.npy}): numpy reads them as {@code bool} arrays. */
public final class MaskFiles {
    private MaskFiles() {}

    /**
     * The mask file of {@code parameter} in {@code dir}.
     *
     * @param dir       a unit's directory
     * @param parameter the parameter's name, e.g. {@code fc1.weight}
     * @return {@code <dir>/<parameter>.mask.npy}, whether it exists or not
     */
    public static Path file(Path dir, String parameter) {
        return dir.resolve(parameter + ".mask.npy");
    }

    /**
     * Writes every prunable parameter's mask (a device-to-host copy per mask).
     *
     * @param network the network whose masks are written; not changed
     * @param dir     where the files go, one per prunable parameter, each written atomically
     */
    public static void write(Network network, Path dir) {
        for (Parameter p : network.prunable()) {
            float[] m = p.mask().toArray();
            boolean[] keep = new boolean[m.length];
            for (int i = 0; i < m.length; i++) keep[i] = m[i] != 0f;
            Npy.write(file(dir, p.name()), keep, p.mask().shape());
        }
    }

    /**
     * Uploads masks written by {@link #write} into the network's mask tensors (weights are not touched).
     *
     * @param dir     where {@link #write} wrote them; a file whose shape differs from the model's is a one-line
     *                {@link UserError}
     * @param network the network whose masks are replaced
     */
    public static void read(Path dir, Network network) {
        for (Parameter p : network.prunable()) {
            Path f = file(dir, p.name());
            NpyArray a = Npy.read(f);
            if (!Arrays.equals(a.shape(), p.mask().shape())) {
                throw new UserError(f + ": shape " + Arrays.toString(a.shape()) + " does not match the model's " + Arrays.toString(p.mask().shape()));
            }
            boolean[] keep = a.booleans();
            float[] m = new float[keep.length];
            for (int i = 0; i < m.length; i++) m[i] = keep[i] ? 1f : 0f;
            p.mask().copyFrom(m);
        }
    }

    /**
     * The surviving entries of one mask file, for reports (host side).
     *
     * @param dir       a unit's directory
     * @param parameter the parameter's name
     * @return true where the weight survives, flattened in row-major order; a new array
     */
    public static boolean[] readBooleans(Path dir, String parameter) {
        return Npy.read(file(dir, parameter)).booleans();
    }
}
