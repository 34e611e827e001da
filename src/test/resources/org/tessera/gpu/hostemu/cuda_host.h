// Host emulation of the few CUDA built-ins Tessera's kernels use, so that src/main/cuda/*.cu
// compile with g++ and run on the CPU, one thread after another (HostEmulatedDevice, tests).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

struct EmuDim { unsigned x, y, z; };
#ifdef CUDA_HOST_THREADS
// A launch's blocks run on several host threads (libcuda-host-device.cpp): indices per thread.
static thread_local EmuDim blockIdx, threadIdx, blockDim, gridDim;
#else
extern EmuDim blockIdx, threadIdx, blockDim;
#endif

#define __global__
#define __device__
#define __forceinline__ inline

static inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
static inline double __longlong_as_double(long long i) { double d; std::memcpy(&d, &i, 8); return d; }
using std::fabs;
using std::fmax;
using std::fmin;
using std::isfinite;
using std::isnan;
using std::min;
using std::sqrt;
