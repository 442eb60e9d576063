// The device twin of dev.lottery.nn.rng.KeyedRandom (docs/rng.md): element i of every draw depends only on the
// Philox key (k0, k1) and i, so thread i computes element i with the same bits as the Java loop.
// MUST be compiled with --fmad=false: Java never contracts a*b+c, so neither may this code. Everything is
// double arithmetic rounded to float once, with IEEE division and sqrt (never -use_fast_math).
// dev.lottery.nn.backend.cuda.KeyedRandomKernelReference is this file transliterated to Java, operation by
// operation, and is tested bitwise against KeyedRandom; keep the two in step.

typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// Philox4x32-10 of counter (c0..c3) under key (k0, k1), as Random123's philox4x32_R(10, ...).
__device__ __forceinline__ void philox4x32_10(u32 c[4], u32 k0, u32 k1) {
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        u64 p0 = (u64) PHILOX_M0 * c[0];
        u64 p1 = (u64) PHILOX_M1 * c[2];
        u32 hi0 = (u32) (p0 >> 32), lo0 = (u32) p0;
        u32 hi1 = (u32) (p1 >> 32), lo1 = (u32) p1;
        u32 n0 = hi1 ^ c[1] ^ k0;
        u32 n2 = hi0 ^ c[3] ^ k1;
        c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
    }
}

// Element `index`, attempt `attempt`: counter (lo32(i), hi32(i), attempt, 0).
__device__ __forceinline__ void block(u64 index, u32 attempt, u32 k0, u32 k1, u32 out[4]) {
    out[0] = (u32) index; out[1] = (u32) (index >> 32); out[2] = attempt; out[3] = 0;
    philox4x32_10(out, k0, k1);
}

// 53 random bits as a double in [0, 1): ((hi << 21) | (lo >> 11)) * 2^-53 (both steps exact).
__device__ __forceinline__ double unit53(u32 hi, u32 lo) {
    u64 bits = ((u64) hi << 21) | (u64) (lo >> 11);
    return (double) (i64) bits * 0x1.0p-53;
}

// DeterministicMath.log: fdlibm-style reduction and an 11-term atanh series, only + - * / and bit operations.
__device__ double det_log(double x) {
    const double LN2_HI = __longlong_as_double(0x3FE62E42FEE00000LL);
    const double LN2_LO = __longlong_as_double(0x3DEA39EF35793C76LL);
    const double C1 = 2.0 / 3.0, C2 = 2.0 / 5.0, C3 = 2.0 / 7.0, C4 = 2.0 / 9.0, C5 = 2.0 / 11.0, C6 = 2.0 / 13.0,
                 C7 = 2.0 / 15.0, C8 = 2.0 / 17.0, C9 = 2.0 / 19.0, C10 = 2.0 / 21.0, C11 = 2.0 / 23.0;
    if (x != x || x < 0.0) return __longlong_as_double(0x7FF8000000000000LL);
    if (x == 0.0) return -__longlong_as_double(0x7FF0000000000000LL);
    if (x == __longlong_as_double(0x7FF0000000000000LL)) return x;
    int e = 0;
    u64 bits = (u64) __double_as_longlong(x);
    if ((bits >> 52) == 0) {  // subnormal: scale up exactly
        bits = (u64) __double_as_longlong(x * 0x1.0p54);
        e = -54;
    }
    e += (int) ((bits >> 52) & 0x7FF) - 1023;
    u64 mantissa = bits & 0x000FFFFFFFFFFFFFULL;
    u64 mBits;
    if (mantissa > 0x6A09E667F3BCDULL) {
        mBits = mantissa | 0x3FE0000000000000ULL;
        e += 1;
    } else {
        mBits = mantissa | 0x3FF0000000000000ULL;
    }
    double m = __longlong_as_double((i64) mBits);
    double g = m - 1.0;
    double s = g / (2.0 + g);
    double z = s * s;
    double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * (C7 + z * (C8
            + z * (C9 + z * (C10 + z * C11))))))))));
    double hfsq = 0.5 * g * g;
    double dk = (double) e;
    return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - g);
}

// Marsaglia's polar method on attempts 0, 1, 2, ... of element `index`; truncated: also reject |z| > 2.
__device__ double standard_normal(u64 index, u32 k0, u32 k1, int truncated) {
    u32 w[4];
    for (u32 attempt = 0;; attempt++) {
        block(index, attempt, k0, k1, w);
        double u = 2.0 * unit53(w[0], w[1]) - 1.0;
        double v = 2.0 * unit53(w[2], w[3]) - 1.0;
        double s = u * u + v * v;
        if (s >= 1.0 || s == 0.0) continue;
        double z = u * sqrt(-2.0 * det_log(s) / s);
        if (truncated && (z > 2.0 || z < -2.0)) continue;
        return z;
    }
}

// KeyedRandom.fillUniform: dst[i] = (float) ((double) lo + ((double) hi - (double) lo) * U(i)).
extern "C" __global__ void fill_uniform(float* dst, i64 n, u32 k0, u32 k1, float lo, float hi) {
    double l = (double) lo, width = (double) hi - (double) lo;
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
        u32 w[4];
        block((u64) i, 0, k0, k1, w);
        dst[i] = __double2float_rn(l + width * unit53(w[0], w[1]));
    }
}

// KeyedRandom.fillNormal / fillTruncatedNormal: dst[i] = (float) ((double) mean + (double) std * Z(i)).
extern "C" __global__ void fill_normal(float* dst, i64 n, u32 k0, u32 k1, float mean, float std, int truncated) {
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
        double z = standard_normal((u64) i, k0, k1, truncated);
        dst[i] = __double2float_rn((double) mean + (double) std * z);
    }
}

// KeyedRandom.permutation(n) into perm: Fisher-Yates, swap j exchanges p = n-1-j with
// k = min((int) (U(j) * (p + 1)), p). Inherently sequential, so one thread does it (launch <<<1, 1>>>);
// a lenet layer (266k entries) is a few milliseconds once per pruning level, and the result stays on the device.
extern "C" __global__ void permutation(int* perm, int n, u32 k0, u32 k1) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    for (int i = 0; i < n; i++) perm[i] = i;
    u32 w[4];
    for (int j = 0; j < n - 1; j++) {
        int p = n - 1 - j;
        block((u64) j, 0, k0, k1, w);
        int k = (int) (unit53(w[0], w[1]) * (double) (p + 1));
        if (k > p) k = p;
        int t = perm[p];
        perm[p] = perm[k];
        perm[k] = t;
    }
}

// Inverted dropout: mask[b, n, e] = U(b*perMember + e) < rate ? 0 : keep for every member n, keep = 1f / (1f - rate) computed on the host in float
// exactly as the CPU backend does (U(i) is KeyedRandom.uniform(i); the comparison is in double).
extern "C" __global__ void dropout_mask(float* mask, i64 n, i64 perMember, int members, u32 k0, u32 k1, float rate, float keep) {
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64) gridDim.x * blockDim.x) {
        // mask [batch, members, perMember]: every member draws the single network's element (b, e).
        i64 drawn = i / (perMember * members) * perMember + i % perMember;
        u32 w[4];
        block((u64) drawn, 0, k0, k1, w);
        mask[i] = unit53(w[0], w[1]) < (double) rate ? 0.0f : keep;
    }
}
