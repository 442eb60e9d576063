// Element-wise and fused kernels of the CUDA backend's dense layers, loss and optimizer. Compiled by NVRTC
// with --fmad=false so every a*b+c rounds twice, as Java does; where the CPU backend uses a fused multiply-add
// (the SGD update) the kernel calls fmaf explicitly, so that update is bit-identical to the CPU's.
// All kernels are grid-stride loops: any launch shape covers any size. No standard headers (NVRTC has none).

typedef long long i64;

#define GRID_STRIDE(i, n) for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64) gridDim.x * blockDim.x)

// y[r, c] += bias[c]
extern "C" __global__ void add_bias(float* y, const float* bias, int rows, int cols) {
    GRID_STRIDE(i, (i64) rows * cols) y[i] += bias[i % cols];
}

// y[r, c] = max(y[r, c] + bias[c], 0): the dense layer's epilogue in one pass instead of two.
extern "C" __global__ void add_bias_relu(float* y, const float* bias, int rows, int cols) {
    GRID_STRIDE(i, (i64) rows * cols) {
        float v = y[i] + bias[i % cols];
        y[i] = v > 0.0f ? v : 0.0f;
    }
}

// y = max(y, 0)
extern "C" __global__ void relu(float* y, i64 n) {
    GRID_STRIDE(i, n) {
        float v = y[i];
        y[i] = v > 0.0f ? v : 0.0f;
    }
}

// dy *= (y > 0), y being the ReLU's output
extern "C" __global__ void relu_backward(const float* y, float* dy, i64 n) {
    GRID_STRIDE(i, n) if (y[i] <= 0.0f) dy[i] = 0.0f;
}

// dbias[c] = sum_r dy[r, c], summed in row order like the CPU backend (one thread per column, coalesced).
extern "C" __global__ void sum_rows(const float* dy, float* dbias, int rows, int cols) {
    GRID_STRIDE(c, (i64) cols) {
        float s = 0.0f;
        for (int r = 0; r < rows; r++) s += dy[(i64) r * cols + c];
        dbias[c] = s;
    }
}

// Softmax cross-entropy of each member's logits (logits [rows, members*cols]), one thread per row and member, in
// double like the CPU backend. labels are [rows], shared, or with ownLabels [rows, members] (member n's label of row r
// at r * members + n). dlogits (may be null) gets (softmax - onehot) / rows; stats [members, 2] (may be
// null) accumulates each member's [sum of losses, number of correct argmaxes]:
// each block reduces its rows in shared memory and adds once, so a 10,000-example evaluation costs
// ceil(rows / blockDim) atomics. blockDim must be SOFTMAX_BLOCK.
#define SOFTMAX_BLOCK 128
extern "C" __global__ void softmax_xent(const float* logits, const float* labels, float* dlogits, float* stats, int rows, int cols,
                                        int members, int ownLabels) {
    __shared__ double lossShared[SOFTMAX_BLOCK];
    __shared__ int correctShared[SOFTMAX_BLOCK];
    // Block (x, member) takes SOFTMAX_BLOCK rows of one member, whose logits are the member's column block.
    int r = blockIdx.x * blockDim.x + threadIdx.x, member = blockIdx.y;
    i64 width = (i64) cols * members;
    double loss = 0.0;
    int correct = 0;
    if (r < rows) {
        const float* row = logits + r * width + (i64) member * cols;
        int label = (int) labels[ownLabels ? (i64) r * members + member : (i64) r];
        float max = -__int_as_float(0x7f800000);
        int argmax = 0;
        for (int j = 0; j < cols; j++) {
            float v = row[j];
            if (v > max) { max = v; argmax = j; }
        }
        double sum = 0.0;
        for (int j = 0; j < cols; j++) sum += exp((double) (row[j] - max));
        double logSum = log(sum);
        loss = logSum - (double) (row[label] - max);
        correct = argmax == label ? 1 : 0;
        if (dlogits != 0) {
            float invBatch = 1.0f / rows;
            float* g = dlogits + r * width + (i64) member * cols;
            for (int j = 0; j < cols; j++) {
                double p = exp((double) (row[j] - max) - logSum);
                g[j] = (float) ((p - (j == label ? 1.0 : 0.0)) * (double) invBatch);
            }
        }
    }
    if (stats == 0) return;
    lossShared[threadIdx.x] = loss;
    correctShared[threadIdx.x] = correct;
    __syncthreads();
    for (int half = SOFTMAX_BLOCK / 2; half > 0; half >>= 1) {
        if (threadIdx.x < half) {
            lossShared[threadIdx.x] += lossShared[threadIdx.x + half];
            correctShared[threadIdx.x] += correctShared[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        atomicAdd(&stats[2 * member], (float) lossShared[0]);
        atomicAdd(&stats[2 * member + 1], (float) correctShared[0]);
    }
}

// One SGD step in one pass, the CPU backend's operation order with the same fused multiply-adds:
//   g = fma(wd, w, g) (if wd != 0); g = fma(momentum, v, g) (with velocity); w = fma(-lr, g, w);
//   masked entries: w = +0.0f and v = +0.0f, so pruned weights stay exactly (positive) zero.
// mask and velocity may be null.
extern "C" __global__ void sgd_masked(float* w, const float* grad, const float* mask, float* velocity, i64 n,
                                      float lr, float momentum, float weightDecay) {
    GRID_STRIDE(i, n) {
        float wi = w[i];
        float g = grad[i];
        if (weightDecay != 0.0f) g = fmaf(weightDecay, wi, g);
        if (velocity != 0) g = fmaf(momentum, velocity[i], g);
        wi = fmaf(-lr, g, wi);
        if (mask != 0 && mask[i] == 0.0f) { wi = 0.0f; g = 0.0f; }
        w[i] = wi;
        if (velocity != 0) velocity[i] = g;
    }
}

// w[mask == 0] = +0.0f
extern "C" __global__ void apply_mask(float* w, const float* mask, i64 n) {
    GRID_STRIDE(i, n) if (mask[i] == 0.0f) w[i] = 0.0f;
}

// dst[r, :] = src[order[start + r], :], start = offset + (*cursor if cursor is not null). The device-side
// cursor lets one recorded training step (a CUDA graph) read a different batch at every replay.
extern "C" __global__ void gather_rows(const float* src, const int* order, const int* cursor, int offset, int count,
                                       int features, float* dst) {
    int start = offset + (cursor != 0 ? *cursor : 0);
    GRID_STRIDE(i, (i64) count * features) {
        i64 r = i / features, f = i - r * features;
        dst[i] = src[(i64) order[start + r] * features + f];
    }
}

// dst[r] = src[order[start + r]], start as in gather_rows.
extern "C" __global__ void gather(const float* src, const int* order, const int* cursor, int offset, int count, float* dst) {
    int start = offset + (cursor != 0 ? *cursor : 0);
    GRID_STRIDE(r, (i64) count) dst[r] = src[order[start + r]];
}

// *cursor += by: the last node of a recorded training step moves to the next batch.
extern "C" __global__ void advance_cursor(int* cursor, int by) {
    if (blockIdx.x == 0 && threadIdx.x == 0) *cursor += by;
}

// *count += number of entries with t != 0 and, when mask is not null, mask == 0: with mask null it counts
// the nonzero entries (surviving weights of a mask); with a mask, weights that break "masked means zero".
extern "C" __global__ void count_nonzero(const float* t, const float* mask, i64 n, unsigned long long* count) {
    __shared__ unsigned int blockCount;
    if (threadIdx.x == 0) blockCount = 0;
    __syncthreads();
    unsigned int mine = 0;
    GRID_STRIDE(i, n) if (t[i] != 0.0f && (mask == 0 || mask[i] == 0.0f)) mine++;
    atomicAdd(&blockCount, mine);
    __syncthreads();
    if (threadIdx.x == 0 && blockCount != 0) atomicAdd(count, (unsigned long long) blockCount);
}

// y += x (residual connections, gradient sums)
extern "C" __global__ void add(float* y, const float* x, i64 n) {
    GRID_STRIDE(i, n) y[i] += x[i];
}

// y *= factors (e.g. a dropout mask)
extern "C" __global__ void multiply(float* y, const float* factors, i64 n) {
    GRID_STRIDE(i, n) y[i] *= factors[i];
}
