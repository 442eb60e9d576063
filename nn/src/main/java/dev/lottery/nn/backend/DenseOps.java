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
     *
     * @param members how many products to compute, at least 1; each operand must span that many members
     * @param transA  whether each product reads {@code A_n} transposed
     * @param transB  whether each product reads {@code B_n} transposed
     * @param alpha   scale of the product
     * @param a       the left operands, {@code op(A_n)} of size {@code m x k}; may be shared (stride 0)
     * @param b       the right operands, {@code op(B_n)} of size {@code k x n}; may be shared (stride 0)
     * @param beta    scale of C's old values; 0 overwrites C without reading it (old NaNs do not propagate)
     * @param c       the outputs, {@code m x n} each, written in place; its members must not overlap
     */
    void gemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta, MatrixBatch c);

    /**
     * {@link #gemm} where {@code mask} describes one operand, the matrices stored {@code mask.rows() x mask.cols()} of
     * each member: with {@link MaskedOperand#B} op(B)'s zeros (pruned weights) may be skipped, giving gemm's values up
     * to the order of summation; with {@link MaskedOperand#C} only C's unmasked entries are computed (a weight
     * gradient). A backend that has nothing to gain computes the plain product.
     *
     * @param members how many products to compute, at least 1; equal to {@code mask.members()}
     * @param transA  whether each product reads {@code A_n} transposed
     * @param transB  whether each product reads {@code B_n} transposed
     * @param alpha   scale of the product
     * @param a       the left operands, as for {@link #gemm}
     * @param b       the right operands, as for {@link #gemm}; with {@link MaskedOperand#B}, zero where the mask is 0
     * @param beta    scale of C's old values, as for {@link #gemm}
     * @param c       the outputs, written in place; with {@link MaskedOperand#C}, entries where the mask is 0 are
     *                left unspecified
     * @param operand which operand the mask describes, stored as the mask's {@code rows x cols} matrices
     * @param mask    the prepared mask, from {@link #prepareMask} on this backend and still open
     */
    default void maskedGemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta,
                            MatrixBatch c, MaskedOperand operand, PreparedMask mask) {
        gemm(members, transA, transB, alpha, a, b, beta, c);
    }

    /**
     * Prepares the stacked mask {@code [members, rows, cols]} of a weight for {@link #maskedGemm} and the masked
     * {@link #sgdStep(Tensor, Tensor, PreparedMask, Tensor, float, float, float) SGD step}, for as long as the mask stays
     * as it is now; the caller closes it. By default nothing is prepared.
     *
     * @param mask the stacked mask on this backend, 1 where a weight is kept and 0 where it is pruned; it is read
     *             now and must not change while the preparation is open
     * @param rows rows of one member's matrix (a dense layer's units), at least 1
     * @param cols columns of one member's matrix (a dense layer's inputs), at least 1
     * @return a preparation the caller owns and closes before the mask changes; it refers to {@code mask}, which
     *         must outlive it
     */
    default PreparedMask prepareMask(Tensor mask, int rows, int cols) {
        return PreparedMask.plain(mask, rows, cols);
    }

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c} for 2-D tensors: {@link #gemm(int, boolean, boolean, float,
     * MatrixBatch, MatrixBatch, float, MatrixBatch)} with one member.
     *
     * @param transA whether the product reads {@code a} transposed
     * @param transB whether the product reads {@code b} transposed
     * @param alpha  scale of the product
     * @param a      left operand, 2-D, {@code op(a)} of size {@code m x k}
     * @param b      right operand, 2-D, {@code op(b)} of size {@code k x n}
     * @param beta   scale of c's old values; 0 overwrites c without reading it
     * @param c      output {@code [m, n]}, written in place
     */
    default void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemm(1, transA, transB, alpha, MatrixBatch.of(a), MatrixBatch.of(b), beta, MatrixBatch.of(c));
    }

    /**
     * {@code y[i, j] += bias[j]} for {@code y [rows, cols]} and {@code bias [cols]}.
     *
     * @param y    activations {@code [rows, cols]} (a population's {@code [batch, N*features]}), updated in place
     * @param bias one value per column ({@code [N*features]} for a population), read only
     */
    void addBias(Tensor y, Tensor bias);

    /**
     * {@code y = max(y + bias, 0)}: {@link #addBias} then {@link #relu}, fused into one pass where a backend can.
     *
     * @param y    activations {@code [rows, cols]}, updated in place
     * @param bias one value per column, read only
     */
    default void addBiasRelu(Tensor y, Tensor bias) {
        addBias(y, bias);
        relu(y);
    }

    /**
     * {@code dbias[j] = sum_i dy[i, j]}, summed over i in order.
     *
     * @param dy    gradients {@code [rows, cols]}, read only
     * @param dbias output {@code [cols]}, overwritten (not accumulated into)
     */
    void sumRows(Tensor dy, Tensor dbias);

    /**
     * {@code y = max(y, 0)} in place.
     *
     * @param y values of any shape, updated in place
     */
    void relu(Tensor y);

    /**
     * {@code dy *= (y > 0)} in place, where {@code y} is the ReLU's output.
     *
     * @param y  the ReLU's output (its input would give the same result), read only
     * @param dy the gradient with respect to the output, same size as {@code y}; becomes the gradient with respect
     *           to the input
     */
    void reluBackward(Tensor y, Tensor dy);

    /**
     * {@code y *= factors} element-wise, in place.
     *
     * @param y       values, updated in place
     * @param factors the same number of values (a dropout mask, for instance), read only
     */
    void multiply(Tensor y, Tensor factors);

    /**
     * {@code y += x} element-wise, in place (residual connections, gradient sums).
     *
     * @param y values, updated in place
     * @param x the same number of values, read only
     */
    void add(Tensor y, Tensor x);

    /**
     * Softmax cross-entropy of each member's logits: {@code logits [batch, members*classes]} (member n's row is the
     * column block n) against {@code labels [batch]}, shared by the members, or {@code labels [batch, members]}, each
     * member's own (member n's label of row i at {@code i * members + n}: members trained on their own mini-batches).
     * When {@code dlogits} (same shape) is non-null it receives {@code (softmax - onehot) / batch}, the gradient of
     * each member's mean loss. When {@code stats [members, 2]} is non-null, member n's summed loss and number of
     * correct argmax predictions are added to {@code stats[n, 0]} and {@code stats[n, 1]}; they stay in backend memory
     * until the caller reads them.
     *
     * @param logits  {@code [batch, members*classes]}, read only
     * @param members how many networks' logits sit side by side, at least 1
     * @param labels  {@code [batch]} or {@code [batch, members]} (any shape of that size) class indices stored as exact
     *                floats in {@code [0, classes)}
     * @param dlogits null for no gradient, otherwise the same shape as {@code logits}, overwritten
     * @param stats   null for no statistics, otherwise {@code [members, 2]}, accumulated into (zero it first to start
     *                a new count)
     */
    void softmaxCrossEntropy(Tensor logits, int members, Tensor labels, Tensor dlogits, Tensor stats);

    /**
     * {@link #softmaxCrossEntropy(Tensor, int, Tensor, Tensor, Tensor)} for a single network.
     *
     * @param logits  {@code [batch, classes]}, read only
     * @param labels  {@code [batch]} class indices stored as exact floats
     * @param dlogits null, or {@code [batch, classes]} to receive the gradient of the mean loss
     * @param stats   null, or {@code [1, 2]} to which the summed loss and the number correct are added
     */
    default void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats) {
        softmaxCrossEntropy(logits, 1, labels, dlogits, stats);
    }

    /**
     * One SGD step with optional momentum and weight decay that keeps masked entries exactly zero:
     * {@code g = grad + weightDecay*w; v = momentum*v + g; w -= lr*v; w[mask == 0] = 0; v[mask == 0] = 0}.
     * {@code mask} and {@code velocity} may be null (no mask; plain SGD). Element-wise, so one call updates a
     * stacked parameter of every member.
     *
     * @param w           weights, updated in place
     * @param grad        gradient of the loss with respect to {@code w}, same size, read only
     * @param mask        null for no mask, otherwise the same size as {@code w}, 1 to keep and 0 to prune
     * @param velocity    null for plain SGD, otherwise the momentum buffer (same size, zero at the start of a run),
     *                    updated in place
     * @param lr          learning rate, applied as given (a schedule's value for this iteration)
     * @param momentum    momentum coefficient in {@code [0, 1)}; 0 with a null velocity is plain SGD
     * @param weightDecay L2 coefficient added to the gradient as {@code weightDecay * w}; 0 for none
     */
    void sgdStep(Tensor w, Tensor grad, Tensor mask, Tensor velocity, float lr, float momentum, float weightDecay);

    /**
     * {@link #sgdStep(Tensor, Tensor, Tensor, Tensor, float, float, float)} with a prepared mask: the same values at the
     * unmasked entries, while masked entries of {@code w} and {@code velocity} stay zero (a backend may leave them
     * untouched, since they are zero already) and masked entries of {@code grad} are not read.
     *
     * @param w           weights, updated in place
     * @param grad        gradient of the loss with respect to {@code w}, same size, read only
     * @param mask        the weight's mask as prepared by {@link #prepareMask} on this backend, still open
     * @param velocity    null for plain SGD, otherwise the momentum buffer (same size, zero at the start of a run),
     *                    updated in place
     * @param lr          learning rate, applied as given (a schedule's value for this iteration)
     * @param momentum    momentum coefficient in {@code [0, 1)}; 0 with a null velocity is plain SGD
     * @param weightDecay L2 coefficient added to the gradient as {@code weightDecay * w}; 0 for none
     */
    default void sgdStep(Tensor w, Tensor grad, PreparedMask mask, Tensor velocity, float lr, float momentum, float weightDecay) {
        sgdStep(w, grad, mask.mask(), velocity, lr, momentum, weightDecay);
    }

    /**
     * Fills an inverted-dropout mask {@code [batch, members * E]} (E values per example and member):
     * {@code mask[b, n, e] = rng.uniform(b*E + e) < rate ? 0 : 1 / (1 - rate)}. Every member draws the mask a single
     * network would draw from {@code rng}; element i depends only on the stream's key and i, so a device kernel
     * draws the same mask (see {@link KeyedRandom}).
     *
     * @param mask    output {@code [batch, members * E]}, overwritten with 0 or {@code 1 / (1 - rate)}
     * @param members how many networks' masks sit side by side, at least 1
     * @param rng     the keyed stream of this layer and iteration; the same stream gives the same mask
     * @param rate    probability of dropping a value, in {@code [0, 1)}
     */
    void dropoutMask(Tensor mask, int members, KeyedRandom rng, float rate);
}
