/* A stand-in for the NVIDIA driver library with no GPU behind it: cuInit returns
 * CUDA_ERROR_NO_DEVICE (100), as the real driver does on a machine without a device.
 * Built by JCudaDeviceOpenTest with: gcc -shared -fPIC -Wl,-soname,libcuda.so.1 */
int cuInit(unsigned int flags) { (void) flags; return 100; }
int cuDriverGetVersion(int *v) { *v = 12060; return 0; }
int cuDeviceGetCount(int *n) { *n = 0; return 100; }
