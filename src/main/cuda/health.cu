// Health check: a trivial kernel whose result the host can verify, out[i] = 2*i + 1.
// Java port: org.tessera.gpu.kernels.HealthKernel.

extern "C" __global__ void tessera_health(int* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    out[i] = 2 * i + 1;
}
