package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.RequiresGpu;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands GPU tests the CUDA backend as a parameter (typically {@code @BeforeEach void use(CudaBackend gpu)}): opened
 * on first use, shared by every test class of the run and closed when the run ends, so the device, its kernels and
 * cuBLAS are set up once. Used together with {@link RequiresGpu}, whose condition keeps tests (and their
 * {@code @BeforeEach}) from running, and so from asking for the backend, where no GPU is usable.
 */
public final class SharedCudaBackend implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCudaBackend.class);

    /** The open backend, closed by JUnit with the root context's store. */
    private record Opened(CudaBackend backend) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            backend.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CudaBackend.class;
    }

    @Override
    public CudaBackend resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Opened.class, k -> {
            CudaBackend gpu = CudaBackend.open(0);
            System.out.println("CUDA backend: " + gpu.description());
            return new Opened(gpu);
        }, Opened.class).backend();
    }
}
