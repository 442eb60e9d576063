package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/**
 * Convolutional and residual networks. Activations are NCHW; every op takes its geometry as a value (what cuDNN's
 * descriptors hold) and checks only tensor sizes (the same checks in every backend), so a {@code [batch, features]}
 * mini-batch can be read as {@code [batch, channels, height, width]} without a reshape. A population's members are channel
 * groups: convolutions take {@link ConvGeometry#groups()}, and pooling and batch normalization, which act per
 * channel, see {@code members * channels} channels.
 */
public interface ConvolutionOps {
    /**
     * {@code y = conv(x, w) + bias}: x {@code [N,C,H,W]}, w {@code [K,C/G,R,R]}, y {@code [N,K,P,Q]}; bias {@code [K]}
     * or null. With {@code G} groups, output channels {@code [g*K/G, (g+1)*K/G)} see input channels
     * {@code [g*C/G, (g+1)*C/G)} only.
     *
     * @param x    input {@code [N,C,H,W]} (any tensor of that many values), read only
     * @param w    filters {@code [K,C/G,R,R]}, read only
     * @param bias null for none, otherwise {@code [K]}, read only
     * @param y    output {@code [N,K,P,Q]}, overwritten
     * @param g    the convolution's sizes, stride, padding and group count; tensor sizes are checked against it
     */
    void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g);

    /**
     * {@code dx = d conv / d x} applied to {@code dy} (overwrites dx).
     *
     * @param dy gradient with respect to the output {@code [N,K,P,Q]}, read only
     * @param w  the forward pass's filters {@code [K,C/G,R,R]}, read only
     * @param dx gradient with respect to the input {@code [N,C,H,W]}, overwritten
     * @param g  the forward pass's geometry
     */
    void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, ConvGeometry g);

    /**
     * {@code dw = d conv / d w} applied to {@code dy} (overwrites dw) and, when non-null, {@code dbias[k] = sum
     * dy[:,k,:,:]}.
     *
     * @param x     the forward pass's input {@code [N,C,H,W]}, read only
     * @param dy    gradient with respect to the output {@code [N,K,P,Q]}, read only
     * @param dw    gradient with respect to the filters {@code [K,C/G,R,R]}, overwritten
     * @param dbias null to skip the bias gradient, otherwise {@code [K]}, overwritten
     * @param g     the forward pass's geometry
     */
    void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, ConvGeometry g);

    /**
     * Max pooling {@code x [N,C,H,W] -> y [N,C,P,Q]}.
     *
     * @param x input {@code [N,C,H,W]}, read only
     * @param y output {@code [N,C,P,Q]} with P and Q from {@code g}, overwritten
     * @param g the pooling's sizes, window and stride (for a population, C counts every member's channels)
     */
    void maxPool(Tensor x, Tensor y, PoolGeometry g);

    /**
     * Routes {@code dy} to the first maximal input of every window (overwrites dx), from the forward's {@code x} and
     * {@code y} as cuDNN's pooling backward does.
     *
     * @param x  the forward pass's input {@code [N,C,H,W]}, read only
     * @param y  the forward pass's output {@code [N,C,P,Q]}, read only
     * @param dy gradient with respect to {@code y}, read only
     * @param dx gradient with respect to {@code x}, overwritten (zero wherever no window has its maximum)
     * @param g  the forward pass's geometry
     */
    void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, PoolGeometry g);

    /**
     * Training-mode batch normalization per channel over batch and spatial positions:
     * {@code y = gamma * (x - mean) * invStd + beta} with the batch's mean and biased variance, {@code invStd =
     * 1/sqrt(var + epsilon)}; saves mean and invStd {@code [C]} for the backward pass and updates
     * {@code running = (1 - momentum) * running + momentum * batch} (the variance unbiased), like cuDNN.
     *
     * @param x           input {@code [N,C,spatial]}, read only
     * @param gamma       scale {@code [C]}, read only
     * @param beta        shift {@code [C]}, read only
     * @param runningMean running mean {@code [C]} used at evaluation, updated in place
     * @param runningVar  running (unbiased) variance {@code [C]} used at evaluation, updated in place
     * @param momentum    weight of this batch's statistics in the running ones, in {@code [0, 1]}
     * @param epsilon     added to the variance before the square root, positive
     * @param savedMean   output {@code [C]}: this batch's mean, for {@link #batchNormBackward}
     * @param savedInvStd output {@code [C]}: this batch's {@code 1/sqrt(var + epsilon)}, for
     *                    {@link #batchNormBackward}
     * @param y           output, the same shape as {@code x}, overwritten
     * @param g           batch, channels and spatial size of {@code x}
     */
    void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                           float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g);

    /**
     * Evaluation-mode batch normalization with the running statistics:
     * {@code y = gamma * (x - runningMean) / sqrt(runningVar + epsilon) + beta}; nothing is updated.
     *
     * @param x           input {@code [N,C,spatial]}, read only
     * @param gamma       scale {@code [C]}, read only
     * @param beta        shift {@code [C]}, read only
     * @param runningMean running mean {@code [C]} from training, read only
     * @param runningVar  running variance {@code [C]} from training, read only
     * @param epsilon     added to the variance before the square root, as in training
     * @param y           output, the same shape as {@code x}, overwritten
     * @param g           batch, channels and spatial size of {@code x}
     */
    void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                            Tensor y, ChannelGeometry g);

    /**
     * Gradients of {@link #batchNormTraining} (overwrites dx, dgamma, dbeta).
     *
     * @param x           the forward pass's input {@code [N,C,spatial]}, read only
     * @param dy          gradient with respect to the forward pass's output, read only
     * @param gamma       the forward pass's scale {@code [C]}, read only
     * @param savedMean   the batch mean {@link #batchNormTraining} saved, read only
     * @param savedInvStd the inverse standard deviation {@link #batchNormTraining} saved, read only
     * @param dx          gradient with respect to {@code x}, same shape, overwritten
     * @param dgamma      gradient with respect to {@code gamma} {@code [C]}, overwritten
     * @param dbeta       gradient with respect to {@code beta} {@code [C]}, overwritten
     * @param g           the forward pass's geometry
     */
    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                           Tensor dgamma, Tensor dbeta, ChannelGeometry g);

    /**
     * {@code y[n, c] = mean over spatial positions of x[n, c, :]}.
     *
     * @param x input {@code [N,C,spatial]}, read only
     * @param y output {@code [N,C]}, overwritten
     * @param g batch, channels and spatial size of {@code x}
     */
    void globalAvgPool(Tensor x, Tensor y, ChannelGeometry g);

    /**
     * {@code dx[n, c, s] = dy[n, c] / spatial} (overwrites dx).
     *
     * @param dy gradient with respect to the pooled output {@code [N,C]}, read only
     * @param dx gradient with respect to the input {@code [N,C,spatial]}, overwritten
     * @param g  the forward pass's geometry
     */
    void globalAvgPoolBackward(Tensor dy, Tensor dx, ChannelGeometry g);
}
