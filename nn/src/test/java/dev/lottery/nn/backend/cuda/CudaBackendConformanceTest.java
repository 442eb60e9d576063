package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.RequiresGpu;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendConformanceSuite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CUDA backend against the reference, on a real GPU (skipped with the probe's reason elsewhere). cuBLAS and cuDNN
 * pick kernels by shape, so a member of a population is held to the same bounds as the reference comparison rather
 * than to its bits alone: products within 1e-5 of the sum of their terms' magnitudes (pedantic FP32, no TF32: any
 * summation order stays inside that), convolutions within 1e-4 (cuDNN may choose Winograd or FFT algorithms, whose
 * transforms round more). Everything whose float operations the contract fixes is still checked to the bit.
 */
@RequiresGpu
@ExtendWith(SharedCudaBackend.class)
class CudaBackendConformanceTest extends BackendConformanceSuite {
    private CudaBackend gpu;

    @BeforeEach
    void use(CudaBackend shared) {
        gpu = shared;
    }

    @Override
    protected Backend backend() {
        return gpu;
    }

    @Override
    protected Tolerances tolerances() {
        return new Tolerances(false, 1e-5f, 1e-4f);
    }
}
