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
    /**
     * The kernels shipped with gpu-runtime, under {@code dev/lottery/gpu/kernels/}.
     *
     * @param fileName the resource's file name, e.g. {@code vector_add.cu} or {@code fill.cu}
     * @return the source, named by its file name
     * @throws IllegalArgumentException if there is no such resource
     */
    public static KernelSource builtin(String fileName) {
        return fromResource(KernelSource.class, "/dev/lottery/gpu/kernels/" + fileName);
    }

    /**
     * A {@code .cu} resource of any module: {@code anchor.getResourceAsStream(path)}.
     *
     * @param anchor a class of the module that holds the resource; on the module path that module must open the
     *     resource's package to {@code dev.lottery.gpu}
     * @param path the resource's path, absolute ({@code /dev/...}) or relative to {@code anchor}'s package
     * @return the source read as UTF-8, named by the path's last segment
     * @throws IllegalArgumentException if the resource is not found
     * @throws java.io.UncheckedIOException if it cannot be read
     */
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
