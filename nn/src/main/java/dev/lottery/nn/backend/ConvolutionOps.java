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
     */
    void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g);

    /** {@code dx = d conv / d x} applied to {@code dy} (overwrites dx). */
    void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, ConvGeometry g);

    /** {@code dw = d conv / d w} applied to {@code dy} (overwrites dw) and, when non-null, {@code dbias[k] = sum dy[:,k,:,:]}. */
    void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, ConvGeometry g);

    /** Max pooling {@code x [N,C,H,W] -> y [N,C,P,Q]}. */
    void maxPool(Tensor x, Tensor y, PoolGeometry g);

    /**
     * Routes {@code dy} to the first maximal input of every window (overwrites dx), from the forward's {@code x} and
     * {@code y} as cuDNN's pooling backward does.
     */
    void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, PoolGeometry g);

    /**
     * Training-mode batch normalization per channel over batch and spatial positions:
     * {@code y = gamma * (x - mean) * invStd + beta} with the batch's mean and biased variance, {@code invStd =
     * 1/sqrt(var + epsilon)}; saves mean and invStd {@code [C]} for the backward pass and updates
     * {@code running = (1 - momentum) * running + momentum * batch} (the variance unbiased), like cuDNN.
     */
    void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                           float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g);

    /** Evaluation-mode batch normalization with the running statistics. */
    void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                            Tensor y, ChannelGeometry g);

    /** Gradients of {@link #batchNormTraining} (overwrites dx, dgamma, dbeta). */
    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                           Tensor dgamma, Tensor dbeta, ChannelGeometry g);

    /** {@code y[n, c] = mean over spatial positions of x[n, c, :]}. */
    void globalAvgPool(Tensor x, Tensor y, ChannelGeometry g);

    /** {@code dx[n, c, s] = dy[n, c] / spatial} (overwrites dx). */
    void globalAvgPoolBackward(Tensor dy, Tensor dx, ChannelGeometry g);
}
