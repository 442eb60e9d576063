package dev.lottery.gpu;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that needs a CUDA GPU: tagged {@code gpu}, and where no GPU is usable every test in it is skipped
 * with the probe's one-line reason. The condition is decided per test, not per class, so each test shows up as
 * skipped with the reason instead of a class-level skip hiding them; the class's {@code @BeforeAll} therefore still
 * runs and must not open the device unless {@link CudaContext#isAvailable()} says it can.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(RequiresGpu.Condition.class)
public @interface RequiresGpu {
    /** Enables a test when CUDA is usable here, otherwise disables it with the reason why not. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isEmpty()) return ConditionEvaluationResult.enabled("decided per test");
            CudaAvailability a = CudaContext.isAvailable();
            return a.usable() ? ConditionEvaluationResult.enabled("CUDA GPU: " + a.reason())
                    : ConditionEvaluationResult.disabled("no CUDA GPU: " + a.reason());
        }
    }
}
