package dev.lottery.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * How NVRTC compiles a kernel.
 *
 * @param computeCapability e.g. 90 for sm_90; the output is a cubin for exactly that architecture
 * @param fusedMultiplyAdd false passes {@code --fmad=false}, so a*b+c rounds twice as on the CPU
 *                         (needed when GPU results must match a CPU reference bit for bit)
 * @param extra further NVRTC options, passed as given
 */
public record CompileOptions(int computeCapability, boolean fusedMultiplyAdd, List<String> extra) {
    /** Checks the architecture and copies the extra options. */
    public CompileOptions {
        if (computeCapability < 50) throw new IllegalArgumentException("compute capability " + computeCapability + " is too old");
        extra = List.copyOf(extra);
    }

    /**
     * Options for {@code computeCapability} with fused multiply-add on and nothing extra.
     *
     * @param computeCapability the target, e.g. 90 for sm_90, at least 50
     * @return the options
     * @throws IllegalArgumentException if the architecture is older than sm_50
     */
    public static CompileOptions forArchitecture(int computeCapability) {
        return new CompileOptions(computeCapability, true, List.of());
    }

    /**
     * The same options with fused multiply-add {@code on} or off.
     *
     * @param on true lets the compiler fuse a*b+c into one rounding
     * @return a new options value; this one is unchanged
     */
    public CompileOptions withFusedMultiplyAdd(boolean on) {
        return new CompileOptions(computeCapability, on, extra);
    }

    /**
     * The option strings in the order given to nvrtcCompileProgram.
     *
     * @return a new mutable list: architecture, {@code --std=c++17}, {@code --fmad}, then the extra options
     */
    public List<String> toArguments() {
        List<String> args = new ArrayList<>();
        args.add("--gpu-architecture=sm_" + computeCapability);
        args.add("--std=c++17");
        args.add("--fmad=" + fusedMultiplyAdd);
        args.addAll(extra);
        return args;
    }
}
