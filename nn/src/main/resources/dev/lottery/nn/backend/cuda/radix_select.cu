// Magnitude pruning on the device by radix selection: find the entry of sorted position `rank` (0-based) in
// the order (|w| ascending, then index ascending) among the unmasked entries of one or several tensors, and
// prune everything up to and including it. No sort and no copy to the host.
//
// The key of an entry is the bit pattern of |w| (sign cleared): for non-negative floats the unsigned bit
// patterns are ordered like the values. Selection runs in two phases of four 8-bit passes each:
//   phase 0 finds T, the key at position `rank`, and how many entries with key == T precede it (rank');
//   phase 1 selects, among the entries with key == T, the one at position rank' by (global) index: I.
// Then exactly rank+1 entries are pruned: key < T, or key == T and index <= I ("ties by lower index").
// dev.lottery.nn.backend.cuda.RadixSelectReference is this algorithm step by step on host arrays.
//
// State (4 x u32, device memory): [0] prefix of the key found so far, [1] mask of the bits found so far,
// [2] remaining rank within the current prefix, [3] T after phase 0.

typedef unsigned int u32;
typedef long long i64;

#define RADIX_BINS 256

// Adds the unmasked entries whose key matches the prefix to hist[digit at `shift`]. Phase 1 keys are global
// indices (indexBase + i) of the entries whose magnitude key equals T. blockDim.x must be a multiple of 32.
extern "C" __global__ void radix_histogram(const float* w, const float* mask, i64 n, u32 indexBase, int phase, int shift,
                                           const u32* state, u32* hist) {
    __shared__ u32 local[RADIX_BINS];
    for (int b = threadIdx.x; b < RADIX_BINS; b += blockDim.x) local[b] = 0;
    __syncthreads();
    u32 prefix = state[0], prefixMask = state[1], threshold = state[3];
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
        if (mask != 0 && mask[i] == 0.0f) continue;
        u32 key = __float_as_uint(w[i]) & 0x7FFFFFFFu;
        if (phase == 1) {
            if (key != threshold) continue;
            key = indexBase + (u32) i;
        }
        if ((key & prefixMask) != prefix) continue;
        atomicAdd(&local[(key >> shift) & 0xFF], 1u);
    }
    __syncthreads();
    for (int b = threadIdx.x; b < RADIX_BINS; b += blockDim.x) {
        if (local[b] != 0) atomicAdd(&hist[b], local[b]);
    }
}

// One thread: picks the digit whose cumulative count passes the remaining rank, narrows the prefix and
// clears the histogram for the next pass. After phase 0's last pass (shift 0) T moves to state[3] and the
// prefix restarts for phase 1, keeping the remaining rank (the position among entries equal to T).
extern "C" __global__ void radix_pick(u32* hist, u32* state, int phase, int shift) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    u32 rank = state[2];
    u32 below = 0;
    int digit = RADIX_BINS - 1;
    for (int b = 0; b < RADIX_BINS; b++) {
        u32 c = hist[b];
        if (rank < below + c) { digit = b; break; }
        below += c;
    }
    state[0] |= (u32) digit << shift;
    state[1] |= 0xFFu << shift;
    state[2] = rank - below;
    for (int b = 0; b < RADIX_BINS; b++) hist[b] = 0;
    if (phase == 0 && shift == 0) {
        state[3] = state[0];
        state[0] = 0;
        state[1] = 0;
    }
}

// Sets state = {0, 0, rank, 0} and clears the histogram: the start of a selection.
extern "C" __global__ void radix_begin(u32* hist, u32* state, u32 rank) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    state[0] = 0; state[1] = 0; state[2] = rank; state[3] = 0;
    for (int b = 0; b < RADIX_BINS; b++) hist[b] = 0;
}

// Prunes (mask = 0) every unmasked entry ordered at or before the selected one: key < T, or key == T and
// global index <= I (state[0] after phase 1).
extern "C" __global__ void radix_prune(const float* w, float* mask, i64 n, u32 indexBase, const u32* state) {
    u32 threshold = state[3], lastIndex = state[0];
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
        if (mask[i] == 0.0f) continue;
        u32 key = __float_as_uint(w[i]) & 0x7FFFFFFFu;
        if (key < threshold || (key == threshold && indexBase + (u32) i <= lastIndex)) mask[i] = 0.0f;
    }
}
