// c[i] = a[i] + b[i] for i < n. extern "C" keeps the symbol unmangled for cuModuleGetFunction.
extern "C" __global__ void vector_add(const float* __restrict__ a, const float* __restrict__ b,
                                      float* __restrict__ c, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

// a[i] = a[i] * scale + shift: used by graph tests, whose update swaps the scalars.
extern "C" __global__ void scale_shift(float* a, float scale, float shift, long long n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) a[i] = a[i] * scale + shift;
}
