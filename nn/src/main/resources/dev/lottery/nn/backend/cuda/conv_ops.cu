// The CUDA backend's own kernels for convolutional and residual networks (cuDNN does the convolutions
// themselves). Each one follows the CPU backend's loop (dev.lottery.nn.layers.cpu.*) operation by operation, so
// results are bit-identical where the CPU sums sequentially in float order we can repeat (pooling, bias, shifts)
// and equal up to the last bit of a double sum where the CPU reduces in double (batch norm, bias gradients).
// Compiled by NVRTC with --fmad=false: every a*b+c rounds twice, as Java does; fmaf is called where the CPU uses
// Math.fma. ConvOpsKernelReference transliterates these kernels to Java; its test compares it with CpuBackend.
// No standard headers (NVRTC has none).

typedef long long i64;

#define GRID_STRIDE(i, n) for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64) gridDim.x * blockDim.x)

// Threads per block of the per-channel reductions; CudaBackend launches them with exactly this many.
#define REDUCE_THREADS 256

// y[n, k, s] += bias[k] over a [batch, filters, spatial] convolution output (CpuConvolution.forward's epilogue).
extern "C" __global__ void add_channel_bias(float* y, const float* bias, int channels, int spatial, i64 total) {
    GRID_STRIDE(i, total) y[i] += bias[(i / spatial) % channels];
}

// Sum of a block's per-thread doubles into shared[0] (tree order; the sum is double so the order barely matters).
__device__ double block_sum(double v, double* shared) {
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int stride = REDUCE_THREADS / 2; stride > 0; stride >>= 1) {
        if ((int) threadIdx.x < stride) shared[threadIdx.x] += shared[threadIdx.x + stride];
        __syncthreads();
    }
    double total = shared[0];
    __syncthreads(); // shared[] is reused by the next reduction
    return total;
}

// out[ch] = (float) sum over batch and spatial of x[b, ch, s], summed in double: the conv bias gradient
// (CpuConvolution.backwardFilter's dbias). One block per channel.
extern "C" __global__ void channel_sums(const float* x, float* out, int batch, int channels, int spatial) {
    __shared__ double shared[REDUCE_THREADS];
    int ch = blockIdx.x;
    i64 m = (i64) batch * spatial;
    double s = 0;
    for (i64 j = threadIdx.x; j < m; j += REDUCE_THREADS) s += x[((j / spatial) * channels + ch) * spatial + j % spatial];
    double total = block_sum(s, shared);
    if (threadIdx.x == 0) out[ch] = (float) total;
}

// Offset within the plane of the first maximum of the window at (row, col); NaN never wins (CpuPooling.argmax).
__device__ int window_argmax(const float* plane, int w, int row, int col, int win) {
    int best = row * w + col;
    float max = plane[best];
    for (int i = 0; i < win; i++) {
        for (int j = 0; j < win; j++) {
            int at = (row + i) * w + col + j;
            float v = plane[at];
            if (v > max) {
                max = v;
                best = at;
            }
        }
    }
    return best;
}

// y[plane, pi, qi] = x at the window's first maximum. One thread per output.
extern "C" __global__ void max_pool(const float* x, float* y, i64 planes, int h, int w, int p, int q, int win, int stride) {
    GRID_STRIDE(o, planes * p * q) {
        i64 plane = o / ((i64) p * q);
        int r = (int) (o % ((i64) p * q)), pi = r / q, qi = r % q;
        const float* in = x + plane * h * w;
        y[o] = in[window_argmax(in, w, pi * stride, qi * stride, win)];
    }
}

// dx[plane, hi, wi] = sum of dy over the windows whose first maximum is (hi, wi), added in the CPU's order
// (windows by row, then column, starting from +0.0f): a gather per input instead of the CPU's scatter, so no
// atomics and the same bits even when windows overlap. One thread per input.
extern "C" __global__ void max_pool_backward(const float* x, const float* dy, float* dx, i64 planes, int h, int w, int p, int q,
                                             int win, int stride) {
    GRID_STRIDE(i, planes * h * w) {
        i64 plane = i / ((i64) h * w);
        int at = (int) (i % ((i64) h * w)), hi = at / w, wi = at % w;
        const float* in = x + plane * h * w;
        const float* g = dy + plane * p * q;
        // windows pi with pi*stride <= hi < pi*stride + win
        int p0 = hi - win + 1 <= 0 ? 0 : (hi - win + stride) / stride, p1 = min(p - 1, hi / stride);
        int q0 = wi - win + 1 <= 0 ? 0 : (wi - win + stride) / stride, q1 = min(q - 1, wi / stride);
        float sum = 0.0f;
        for (int pi = p0; pi <= p1; pi++) {
            for (int qi = q0; qi <= q1; qi++) {
                if (window_argmax(in, w, pi * stride, qi * stride, win) == at) sum += g[pi * q + qi];
            }
        }
        dx[i] = sum;
    }
}

// y[plane] = (float) (double sum of the plane / spatial), summed in the CPU's order. One thread per plane.
extern "C" __global__ void global_avg_pool(const float* x, float* y, i64 planes, int spatial) {
    GRID_STRIDE(plane, planes) {
        double sum = 0;
        for (int i = 0; i < spatial; i++) sum += x[plane * spatial + i];
        y[plane] = (float) (sum / spatial);
    }
}

// dx[plane, s] = dy[plane] / spatial (a float division, as in Java).
extern "C" __global__ void global_avg_pool_backward(const float* dy, float* dx, i64 planes, int spatial) {
    GRID_STRIDE(i, planes * spatial) dx[i] = dy[i / spatial] / (float) spatial;
}

// y = fma(x, scale, shift) with scale = gamma*invStd, shift = beta - mean*scale (CpuBatchNorm.normalize).
__device__ void bn_normalize(const float* x, float* y, int batch, int channels, int spatial, int ch, float mean, float invStd,
                             float gamma, float beta, i64 first, i64 step) {
    float scale = gamma * invStd, shift = beta - mean * scale;
    i64 m = (i64) batch * spatial;
    for (i64 j = first; j < m; j += step) {
        i64 at = ((j / spatial) * channels + ch) * spatial + j % spatial;
        y[at] = fmaf(x[at], scale, shift);
    }
}

// Training-mode batch norm, one block per channel: mean and biased variance in double (two passes, like the
// CPU), saved mean and 1/sqrt(var + eps), running statistics with the unbiased variance and
// running = (1 - momentum) * running + momentum * batch, then the normalization.
extern "C" __global__ void batch_norm_training(const float* x, const float* gamma, const float* beta, float* runningMean,
                                               float* runningVar, float momentum, float epsilon, float* savedMean,
                                               float* savedInvStd, float* y, int batch, int channels, int spatial) {
    __shared__ double shared[REDUCE_THREADS];
    __shared__ float stats[2];
    int ch = blockIdx.x;
    i64 m = (i64) batch * spatial;
    double s = 0;
    for (i64 j = threadIdx.x; j < m; j += REDUCE_THREADS) s += x[((j / spatial) * channels + ch) * spatial + j % spatial];
    double mean = block_sum(s, shared) / m;
    double sq = 0;
    for (i64 j = threadIdx.x; j < m; j += REDUCE_THREADS) {
        double d = x[((j / spatial) * channels + ch) * spatial + j % spatial] - mean;
        sq += d * d;
    }
    sq = block_sum(sq, shared);
    if (threadIdx.x == 0) {
        double var = sq / m;
        double invStd = 1 / sqrt(var + (double) epsilon);
        savedMean[ch] = (float) mean;
        savedInvStd[ch] = (float) invStd;
        double unbiased = m > 1 ? sq / (m - 1) : var;
        // Java: (1 - momentum) * running is a float product; momentum * mean a double one.
        runningMean[ch] = (float) ((double) ((1.0f - momentum) * runningMean[ch]) + (double) momentum * mean);
        runningVar[ch] = (float) ((double) ((1.0f - momentum) * runningVar[ch]) + (double) momentum * unbiased);
        stats[0] = (float) mean;
        stats[1] = (float) invStd;
    }
    __syncthreads();
    bn_normalize(x, y, batch, channels, spatial, ch, stats[0], stats[1], gamma[ch], beta[ch], threadIdx.x, REDUCE_THREADS);
}

// Evaluation-mode batch norm with the running statistics, one thread per element.
extern "C" __global__ void batch_norm_inference(const float* x, const float* gamma, const float* beta, const float* runningMean,
                                                const float* runningVar, float epsilon, float* y, int channels, int spatial, i64 total) {
    GRID_STRIDE(i, total) {
        int ch = (int) ((i / spatial) % channels);
        float invStd = (float) (1 / sqrt((double) runningVar[ch] + (double) epsilon));
        float scale = gamma[ch] * invStd, shift = beta[ch] - runningMean[ch] * scale;
        y[i] = fmaf(x[i], scale, shift);
    }
}

// Batch-norm gradients, one block per channel (CpuBatchNorm.backward): dgamma = sum dy*xhat, dbeta = sum dy
// (double sums), dx = k * (M*dy - sum(dy) - xhat*sum(dy*xhat)) with k = gamma*invStd/M, all in float.
extern "C" __global__ void batch_norm_backward(const float* x, const float* dy, const float* gamma, const float* savedMean,
                                               const float* savedInvStd, float* dx, float* dgamma, float* dbeta,
                                               int batch, int channels, int spatial) {
    __shared__ double shared[REDUCE_THREADS];
    int ch = blockIdx.x;
    i64 m = (i64) batch * spatial;
    float mean = savedMean[ch], invStd = savedInvStd[ch];
    double sumDy = 0, sumDyXhat = 0;
    for (i64 j = threadIdx.x; j < m; j += REDUCE_THREADS) {
        i64 at = ((j / spatial) * channels + ch) * spatial + j % spatial;
        double d = dy[at];
        sumDy += d;
        sumDyXhat += d * (double) (x[at] - mean) * (double) invStd;
    }
    sumDy = block_sum(sumDy, shared);
    sumDyXhat = block_sum(sumDyXhat, shared);
    if (threadIdx.x == 0) {
        dgamma[ch] = (float) sumDyXhat;
        dbeta[ch] = (float) sumDy;
    }
    float k = gamma[ch] * invStd / (float) m;
    float sDy = (float) sumDy, sDyXhat = (float) sumDyXhat, fm = (float) m;
    for (i64 j = threadIdx.x; j < m; j += REDUCE_THREADS) {
        i64 at = ((j / spatial) * channels + ch) * spatial + j % spatial;
        float xhat = (x[at] - mean) * invStd;
        dx[at] = k * (fm * dy[at] - sDy - xhat * sDyXhat);
    }
}

// Augmentation: dst[n,c,h,w] = src[n, c, h + shiftY[n], w' + shiftX[n]] with w' = flip[n] ? W-1-w : w, zero
// outside the image (CpuImageShift). draws = [shiftY[batch], shiftX[batch], flip[batch] as 0/1].
extern "C" __global__ void shift_and_flip(const float* src, float* dst, const int* draws, int batch, int channels, int height, int width) {
    i64 image = (i64) channels * height * width;
    GRID_STRIDE(i, (i64) batch * image) {
        int n = (int) (i / image);
        int hw = (int) (i % ((i64) height * width)), h = hw / width, w = hw % width;
        int sh = h + draws[n];
        int sw = (draws[2 * batch + n] != 0 ? width - 1 - w : w) + draws[batch + n];
        dst[i] = sh < 0 || sh >= height || sw < 0 || sw >= width ? 0.0f : src[i - hw + (i64) sh * width + sw];
    }
}
