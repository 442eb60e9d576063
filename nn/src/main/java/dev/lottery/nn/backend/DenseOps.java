package dev.lottery.nn.backend;

import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;

/**
 * Products, element-wise arithmetic, the loss and the optimizer update: what a fully connected network needs. The
 * element-wise ops act on the flat values, so they serve a population's {@code [batch, N*features]} activations as
 * they are (see {@link Backend}).
 */
public interface DenseOps {
    /**
     * For every member {@code n < members}: {@code C_n = alpha * op(A_n) * op(B_n) + beta * C_n}, with op(X) = X or
     * X^T; {@code beta == 0} ignores C's old values. Members never share an output. Each member's values are the same
     * whatever the member count, so a member of a population computes the bits it would compute alone.
     */
    void gemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta, MatrixBatch c);

    /**
     * {@link #gemm} where {@code mask} describes one operand, the matrices stored {@code mask.rows() x mask.cols()} of
     * each member: with {@link MaskedOperand#B} op(B)'s zeros (pruned weights) may be skipped, giving gemm's values up
     * to the order of summation; with {@link MaskedOperand#C} only C's unmasked entries are computed (a weight
     * gradient). A backend that has nothing to gain computes the plain product.
     */
    default void maskedGemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta,
                            MatrixBatch c, MaskedOperand operand, PreparedMask mask) {
        gemm(members, transA, transB, alpha, a, b, beta, c);
    }

    /**
     * Prepares the stacked mask {@code [members, rows, cols]} of a weight for {@link #maskedGemm} and the masked
     * {@link #sgdStep(Tensor, Tensor, PreparedMask, Tensor, float, float, float) SGD step}, for as long as the mask stays
     * as it is now; the caller closes it. By default nothing is prepared.
     */
    default PreparedMask prepareMask(Tensor mask, int rows, int cols) {
        return PreparedMask.plain(mask, rows, cols);
    }

    /** {@code c = alpha * op(a) * op(b) + beta * c} for 2-D tensors. */
    default void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemm(1, transA, transB, alpha, MatrixBatch.of(a), MatrixBatch.of(b), beta, MatrixBatch.of(c));
    }

    /** {@code y[i, j] += bias[j]} for {@code y [rows, cols]} and {@code bias [cols]}. */
    void addBias(Tensor y, Tensor bias);

    /** {@code y = max(y + bias, 0)}: {@link #addBias} then {@link #relu}, fused into one pass where a backend can. */
    default void addBiasRelu(Tensor y, Tensor bias) {
        addBias(y, bias);
        relu(y);
    }

    /** {@code dbias[j] = sum_i dy[i, j]}, summed over i in order. */
    void sumRows(Tensor dy, Tensor dbias);

    /** {@code y = max(y, 0)} in place. */
    void relu(Tensor y);

    /** {@code dy *= (y > 0)} in place, where {@code y} is the ReLU's output. */
    void reluBackward(Tensor y, Tensor dy);

    /** {@code y *= factors} element-wise, in place. */
    void multiply(Tensor y, Tensor factors);

    /** {@code y += x} element-wise, in place (residual connections, gradient sums). */
    void add(Tensor y, Tensor x);

    /**
     * Softmax cross-entropy of each member's logits: {@code logits [batch, members*classes]} (member n's row is the
     * column block n) against {@code labels [batch]}, shared by the members. When {@code dlogits} (same shape) is
     * non-null it receives {@code (softmax - onehot) / batch}, the gradient of each member's mean loss. When
     * {@code stats [members, 2]} is non-null, member n's summed loss and number of correct argmax predictions are
     * added to {@code stats[n, 0]} and {@code stats[n, 1]}; they stay in backend memory until the caller reads them.
     */
    void softmaxCrossEntropy(Tensor logits, int members, Tensor labels, Tensor dlogits, Tensor stats);

    /** {@link #softmaxCrossEntropy(Tensor, int, Tensor, Tensor, Tensor)} for a single network. */
    default void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats) {
        softmaxCrossEntropy(logits, 1, labels, dlogits, stats);
    }

    /**
     * One SGD step with optional momentum and weight decay that keeps masked entries exactly zero:
     * {@code g = grad + weightDecay*w; v = momentum*v + g; w -= lr*v; w[mask == 0] = 0; v[mask == 0] = 0}.
     * {@code mask} and {@code velocity} may be null (no mask; plain SGD). Element-wise, so one call updates a
     * stacked parameter of every member.
     */
    void sgdStep(Tensor w, Tensor grad, Tensor mask, Tensor velocity, float lr, float momentum, float weightDecay);

    /**
     * {@link #sgdStep(Tensor, Tensor, Tensor, Tensor, float, float, float)} with a prepared mask: the same values at the
     * unmasked entries, while masked entries of {@code w} and {@code velocity} stay zero (a backend may leave them
     * untouched, since they are zero already) and masked entries of {@code grad} are not read.
     */
    default void sgdStep(Tensor w, Tensor grad, PreparedMask mask, Tensor velocity, float lr, float momentum, float weightDecay) {
        sgdStep(w, grad, mask.mask(), velocity, lr, momentum, weightDecay);
    }

    /**
     * Fills an inverted-dropout mask {@code [batch, members * E]} (E values per example and member):
     * {@code mask[b, n, e] = rng.uniform(b*E + e) < rate ? 0 : 1 / (1 - rate)}. Every member draws the mask a single
     * network would draw from {@code rng}; element i depends only on the stream's key and i, so a device kernel
     * draws the same mask (see {@link KeyedRandom}).
     */
    void dropoutMask(Tensor mask, int members, KeyedRandom rng, float rate);
}
