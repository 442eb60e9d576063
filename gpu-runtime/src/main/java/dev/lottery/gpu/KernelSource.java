package dev.lottery.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * CUDA C source of one compilation unit.
 *
 * @param name a file name for compiler messages, e.g. {@code vector_add.cu}
 * @param code the source text
 */
public record KernelSource(String name, String code) {
    /** The kernels shipped with gpu-runtime, under {@code dev/lottery/gpu/kernels/}. */
    public static KernelSource builtin(String fileName) {
        return fromResource(KernelSource.class, "/dev/lottery/gpu/kernels/" + fileName);
    }

    /** A {@code .cu} resource of any module: {@code anchor.getResourceAsStream(path)}. */
    public static KernelSource fromResource(Class<?> anchor, String path) {
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("kernel resource not found: " + path);
            String name = path.substring(path.lastIndexOf('/') + 1);
            return new KernelSource(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
