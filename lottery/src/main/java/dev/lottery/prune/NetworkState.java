package dev.lottery.prune;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.io.NpyArray;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of every parameter of a network at one moment (θ0, a rewind point, trained weights), held as
 * copies in the backend's memory. Restoring is a device-side copy plus the current masks; only {@link #write}
 * and {@link #read} cross to the host (as .npy files named {@code <parameter>.npy}).
 */
public final class NetworkState implements AutoCloseable {
    private final Backend backend;
    private final Map<String, Tensor> values;

    private NetworkState(Backend backend, Map<String, Tensor> values) {
        this.backend = backend;
        this.values = values;
    }

    /**
     * Backend copies of the network's current parameter values.
     *
     * @param network the network to copy; not changed
     * @return a new state, owned by the caller, who closes it before the backend
     */
    public static NetworkState capture(Network network) {
        Backend b = network.backend();
        Map<String, Tensor> copies = new LinkedHashMap<>();
        try {
            for (Parameter p : network.parameters()) {
                Tensor t = b.zeros(p.name() + ".state", p.value().shape());
                copies.put(p.name(), t);
                b.copy(p.value(), t);
            }
        } catch (RuntimeException e) {
            copies.values().forEach(Tensor::close);
            throw e;
        }
        return new NetworkState(b, copies);
    }

    /**
     * Uploads a state written by {@link #write} for {@code network}'s parameters (shapes are checked).
     *
     * @param dir     where {@link #write} wrote it; a file whose shape differs from the model's is a one-line
     *                {@link UserError}
     * @param network the network whose parameters name the files and whose backend holds the copies; not changed
     * @return a new state, owned by the caller, who closes it before the backend
     */
    public static NetworkState read(Path dir, Network network) {
        Backend b = network.backend();
        Map<String, Tensor> copies = new LinkedHashMap<>();
        try {
            for (Parameter p : network.parameters()) {
                NpyArray a = Npy.read(dir.resolve(p.name() + ".npy"));
                if (!Arrays.equals(a.shape(), p.value().shape())) {
                    throw new UserError(dir.resolve(p.name() + ".npy") + ": shape " + Arrays.toString(a.shape())
                            + " does not match the model's " + Arrays.toString(p.value().shape()));
                }
                copies.put(p.name(), b.upload(p.name() + ".state", a.floats(), p.value().shape()));
            }
        } catch (RuntimeException e) {
            copies.values().forEach(Tensor::close);
            throw e;
        }
        return new NetworkState(b, copies);
    }

    /**
     * Writes every value as {@code <dir>/<parameter>.npy} (atomically, one file at a time).
     *
     * @param dir the directory; created when missing
     */
    public void write(Path dir) {
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue().toArray(), e.getValue().shape());
        }
    }

    /**
     * The stored value of one parameter (a backend tensor owned by this state).
     *
     * @param parameter the parameter's name; one this state does not hold is an {@link IllegalArgumentException}
     * @return the tensor, valid until this state is closed; the caller must not close it
     */
    public Tensor value(String parameter) {
        Tensor t = values.get(parameter);
        if (t == null) throw new IllegalArgumentException("no parameter " + parameter + " in this state");
        return t;
    }

    /**
     * Sets the network's parameters to these values, then zeroes what the network's current masks prune.
     *
     * @param network a network of the same model on the same backend; its masks are not changed
     */
    public void restoreInto(Network network) {
        for (Parameter p : network.parameters()) {
            backend.copy(value(p.name()), p.value());
            if (p.mask() != null) backend.applyMask(p.value(), p.mask());
        }
    }

    @Override
    public void close() {
        values.values().forEach(Tensor::close);
        values.clear();
    }
}
